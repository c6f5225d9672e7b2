import net from 'node:net';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';

/**
 * Hostile Kafka clients against a running listener, for the attack suite (and listener tests): floods of
 * idle unauthenticated connections, one address beyond its connection cap, an oversized frame before
 * authentication, and sockets sending most of a huge frame, while a well-behaved kafkajs client produces
 * and consumes. Each scenario measures what happened and throws if the listener did not hold.
 */
export interface KafkaFloodContext {
  kafkaPort: number;
  kafkaHost?: string;
  /** Whether the listener requires SASL (BROOK_AUTH=on): decides what each scenario expects. */
  authOn: boolean;
  /** The well-behaved client: a topic it may produce to and read, and its credentials when auth is on. */
  bystander: { topic: string; sasl?: SASLOptions };
  /** The server's resident memory in bytes (another process: read /proc/<pid>/status; in-process: process.memoryUsage). */
  rss: () => number | Promise<number>;
  /** The listener's settings the scenarios check against (defaults: Brook's). */
  maxConnectionsPerIp?: number;
  authTimeoutMs?: number;
  preAuthMaxFrameBytes?: number;
  /** The server's request budget plus headroom: how far the half-frames may grow its memory (default 232 MiB). */
  maxHeldBytes?: number;
  /** How many idle connections to open (default 1000), spread over loopback addresses below the per-IP cap. */
  idleConnections?: number;
  /** Sockets sending `partialBytes` of a frame declaring `declaredBytes` (defaults 6, 90 MiB, 100 MB). */
  halfFrames?: { sockets: number; partialBytes: number; declaredBytes: number };
  /** The bystander's produce-to-consume bound in ms (default 2000). */
  bystanderMs?: number;
  log?: (line: string) => void;
}

export interface KafkaFloodFigures {
  idle: { opened: number; refused: number; openAfterDeadline: number; bystanderMs: number };
  perIp: { attempted: number; refused: number };
  oversizedPreAuth: { closed: boolean; sentBytes: number } | null;
  halfFrames: { sockets: number; sentBytes: number[]; rssBeforeMiB: number; rssPeakMiB: number; bystanderMs: number };
}

const MiB = 1_048_576;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs every scenario in turn; resolves with the figures, throws on the first listener that did not hold. */
export async function kafkaFloods(ctx: KafkaFloodContext): Promise<KafkaFloodFigures> {
  const host = ctx.kafkaHost ?? '127.0.0.1';
  const log = ctx.log ?? (() => {});
  const bystander = await Bystander.start(host, ctx);
  try {
    const idle = await idleFlood(host, ctx, bystander);
    log(`[attack] idle flood: ${JSON.stringify(idle)}`);
    const perIp = await perIpFlood(host, ctx);
    log(`[attack] per-IP flood: ${JSON.stringify(perIp)}`);
    const oversizedPreAuth = ctx.authOn ? await oversized(host, ctx) : null;
    if (oversizedPreAuth) log(`[attack] oversized pre-auth frame: ${JSON.stringify(oversizedPreAuth)}`);
    const halfFrames = await halfFrameFlood(host, ctx, bystander);
    log(`[attack] half frames: ${JSON.stringify(halfFrames)}`);
    return { idle, perIp, oversizedPreAuth, halfFrames };
  } finally {
    await bystander.stop();
  }
}

function fail(what: string): never {
  throw new Error(`[attack] the Kafka listener did not hold: ${what}`);
}

/** Connects from `localAddress`; resolves once connected (or refused). */
function open(host: string, port: number, localAddress?: string): Promise<net.Socket> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, localAddress });
    socket.on('error', () => {});
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

const isClosed = (s: net.Socket) => s.destroyed || s.closed || s.readyState === 'closed';
const loopback = (i: number) => `127.77.${Math.floor(i / 250)}.${1 + (i % 250)}`;

async function idleFlood(host: string, ctx: KafkaFloodContext, bystander: Bystander): Promise<KafkaFloodFigures['idle']> {
  const count = ctx.idleConnections ?? 1000;
  const perIp = ctx.maxConnectionsPerIp ?? 200;
  // Spread below the per-address cap: this measures the idle timeout, not the cap.
  const perAddress = Math.max(1, Math.floor(perIp / 2));
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) =>
      open(host, ctx.kafkaPort, loopback(Math.floor((i + j) / perAddress))),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  await sleep(200);
  const refused = sockets.filter(isClosed).length;
  const bystanderMs = await bystander.probe(ctx.bystanderMs ?? 2000);
  let openAfterDeadline = sockets.filter((s) => !isClosed(s)).length;
  if (ctx.authOn) {
    const deadline = Date.now() + (ctx.authTimeoutMs ?? 10_000) + 5_000;
    while (Date.now() < deadline && sockets.some((s) => !isClosed(s))) await sleep(200);
    openAfterDeadline = sockets.filter((s) => !isClosed(s)).length;
    if (openAfterDeadline > 0) fail(`${openAfterDeadline} unauthenticated connections still open after the authentication deadline`);
  }
  for (const s of sockets) s.destroy();
  if (refused > 0) fail(`${refused} of ${count} connections spread below the per-address cap were refused`);
  return { opened: count, refused, openAfterDeadline, bystanderMs };
}

async function perIpFlood(host: string, ctx: KafkaFloodContext): Promise<KafkaFloodFigures['perIp']> {
  const cap = ctx.maxConnectionsPerIp ?? 200;
  const attempted = cap + 50;
  const sockets: net.Socket[] = [];
  for (let i = 0; i < attempted; i += 50) {
    sockets.push(
      ...(await Promise.all(Array.from({ length: Math.min(50, attempted - i) }, () => open(host, ctx.kafkaPort, '127.78.0.1')))),
    );
  }
  await sleep(300);
  const refused = sockets.filter(isClosed).length;
  for (const s of sockets) s.destroy();
  if (refused < attempted - cap) fail(`only ${refused} of ${attempted} connections from one address refused (cap ${cap})`);
  return { attempted, refused };
}

/** Writes `bytes` of filler after a frame prefix declaring `declared`, with backpressure; resolves with what the socket took. */
function sendPartial(socket: net.Socket, declared: number, bytes: number, stallMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(declared, 0);
    socket.write(prefix);
    const chunk = Buffer.alloc(MiB, 0x41);
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      resolve(sent);
    };
    const pump = () => {
      clearTimeout(timer);
      while (sent < bytes && !isClosed(socket)) {
        const n = Math.min(chunk.length, bytes - sent);
        sent += n;
        if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          timer = setTimeout(done, stallMs); // the server stopped reading: what it holds is what it took
          socket.once('drain', pump);
          return;
        }
      }
      done();
    };
    socket.once('close', done);
    pump();
  });
}

async function oversized(host: string, ctx: KafkaFloodContext): Promise<NonNullable<KafkaFloodFigures['oversizedPreAuth']>> {
  const cap = ctx.preAuthMaxFrameBytes ?? 524_288;
  const socket = await open(host, ctx.kafkaPort, '127.79.0.1');
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const sentBytes = await sendPartial(socket, cap + 1, Math.min(cap, 256 * 1024));
  const wasClosed = await Promise.race([closed.then(() => true), sleep(3000).then(() => false)]);
  socket.destroy();
  if (!wasClosed) fail(`a frame of ${cap + 1} bytes before authentication did not close the connection`);
  return { closed: wasClosed, sentBytes };
}

async function halfFrameFlood(host: string, ctx: KafkaFloodContext, bystander: Bystander): Promise<KafkaFloodFigures['halfFrames']> {
  const { sockets: n, partialBytes, declaredBytes } = ctx.halfFrames ?? { sockets: 6, partialBytes: 90 * MiB, declaredBytes: 100_000_000 };
  const before = await ctx.rss();
  let peak = before;
  const sampler = setInterval(async () => {
    peak = Math.max(peak, await ctx.rss());
  }, 50);
  const sockets = await Promise.all(Array.from({ length: n }, (_, i) => open(host, ctx.kafkaPort, loopback(900 + i))));
  try {
    const sentBytes = await Promise.all(sockets.map((s) => sendPartial(s, declaredBytes, partialBytes)));
    await sleep(300);
    peak = Math.max(peak, await ctx.rss());
    const bystanderMs = await bystander.probe(ctx.bystanderMs ?? 2000);
    const grown = peak - before;
    const allowed = ctx.maxHeldBytes ?? 232 * MiB;
    if (grown > allowed + 64 * MiB)
      fail(`memory grew by ${Math.round(grown / MiB)} MiB with ${n} half-sent frames (allowed ${Math.round(allowed / MiB)} + 64 MiB)`);
    if (ctx.authOn && sockets.some((s) => !isClosed(s))) fail('a frame above the pre-authentication cap did not close its connection');
    return { sockets: n, sentBytes, rssBeforeMiB: Math.round(before / MiB), rssPeakMiB: Math.round(peak / MiB), bystanderMs };
  } finally {
    clearInterval(sampler);
    for (const s of sockets) s.destroy();
  }
}

/** A kafkajs producer and a consumer already in its group: a probe is one record from send to eachMessage. */
class Bystander {
  private readonly waiting = new Map<string, () => void>();
  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: ReturnType<Kafka['producer']>,
    private readonly consumer: ReturnType<Kafka['consumer']>,
    private readonly topic: string,
  ) {}

  static async start(host: string, ctx: KafkaFloodContext): Promise<Bystander> {
    const kafka = new Kafka({
      clientId: 'attack-bystander',
      brokers: [`${host}:${ctx.kafkaPort}`],
      sasl: ctx.bystander.sasl,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const consumer = kafka.consumer({
      groupId: `attack-bystander-${process.pid}-${Date.now()}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: ctx.bystander.topic, fromBeginning: true });
    const b = new Bystander(kafka, producer, consumer, ctx.bystander.topic);
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.value?.toString() ?? '';
        b.waiting.get(key)?.();
        b.waiting.delete(key);
      },
    });
    await joined;
    await b.probe(30_000); // the first fetch position is set: later probes measure the listener, not the join
    return b;
  }

  /** Produces one record and waits for the consumer to get it; its time in ms, or throws past `boundMs`. */
  async probe(boundMs: number): Promise<number> {
    const key = `probe-${Date.now()}-${Math.random()}`;
    const started = Date.now();
    const seen = new Promise<void>((resolve) => this.waiting.set(key, resolve));
    await this.producer.send({ topic: this.topic, acks: -1, messages: [{ value: key }] });
    const inTime = await Promise.race([seen.then(() => true), sleep(boundMs).then(() => false)]);
    const ms = Date.now() - started;
    if (!inTime) fail(`a well-behaved client's record was not produced and consumed within ${boundMs} ms`);
    return ms;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect().catch(() => {});
    await this.producer.disconnect().catch(() => {});
    void this.kafka;
  }
}

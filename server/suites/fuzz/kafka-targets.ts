import net from 'node:net';
import fc from 'fast-check';
import type { KafkaListenerReport } from '@/server/broker';
import { createKafkaDispatcher } from '@/server/kafka';
import { handlerRegistry } from '@/server/kafka/handlers/index';
import type { ConnectionInfo, KafkaDispatcher } from '@/server/kafka/listener/dispatcher';
import { KafkaListener } from '@/server/kafka/listener/listener';
import { decodeResponseHeader, isKafkaProtocolError, Reader, responseHeaderVersion } from '@/server/kafka/protocol';
import { CLIENT_PATIENCE_MS, HANG_MS } from './http';
import { applyMutation, type FrameMutation, type FrameSample, frameSamples, mutationArbitrary, type ResponseCodecs } from './kafka-frames';
import { fail } from './oracle';
import type { FuzzEnv, Target } from './target';

const API_VERSIONS = 18;
const PRODUCE = 0;
const sleep = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());

interface FrameCase {
  sample: number;
  mutations: FrameMutation[];
}

const frameCase = (samples: readonly FrameSample[]) =>
  fc.record({ sample: fc.nat({ max: samples.length - 1 }), mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 2 }) });

const build = (samples: readonly FrameSample[], c: FrameCase) => c.mutations.reduce((f, m) => applyMutation(f, m), samples[c.sample].frame);

const showFrame = (samples: readonly FrameSample[], c: FrameCase) => {
  const s = samples[c.sample];
  const frame = build(samples, c);
  return `${s.name} v${s.version} mutated ${JSON.stringify(c.mutations)}: frame ${frame.toString('hex').slice(0, 600)}`;
};

/** An answer must carry the request's correlation id and decode, whole, as the response of its API and version. */
function checkAnswer(frame: Buffer, answer: Buffer | null, responses: ResponseCodecs, hungUp = false): void {
  const apiKey = frame.readInt16BE(0);
  const version = frame.readInt16BE(2);
  if (answer === null) {
    // With auth on, a request before authentication is not answered: the connection is closed instead.
    if (apiKey !== PRODUCE && !hungUp) fail(`no answer to API ${apiKey} v${version} (only Produce with acks=0 goes unanswered)`);
    return;
  }
  if (answer.length < 4 || answer.readInt32BE(0) !== frame.readInt32BE(4)) fail(`answer's correlation id is not the request's`);
  const handler = handlerRegistry().get(apiKey);
  // An ApiVersions request of a version Brook does not serve is answered as v0 (KIP-511).
  const served = handler && version >= handler.minVersion && version <= handler.maxVersion;
  const answerVersion = served ? version : 0;
  const decode = responses.decode(apiKey);
  if (!decode || (!served && apiKey !== API_VERSIONS)) fail(`answered API ${apiKey} v${version}, which is not served`);
  const r = new Reader(answer);
  try {
    decodeResponseHeader(r, responseHeaderVersion(apiKey, answerVersion));
    decode(r, answerVersion);
  } catch (err) {
    fail(`the answer does not decode as API ${apiKey} v${answerVersion}: ${String(err)}`);
  }
  if (r.remaining !== 0) fail(`the answer has ${r.remaining} bytes after its body`);
}

/** Frames straight into the dispatcher (decoder, handler, encoder), one per case. */
export function decodeTarget(dispatcher: KafkaDispatcher, samples: FrameSample[], responses: ResponseCodecs): Target<FrameCase> {
  let connections = 0;
  return {
    name: 'kafka.decode',
    weight: 8,
    arbitrary: () => frameCase(samples),
    async run(_env: FuzzEnv, c: FrameCase) {
      const frame = build(samples, c);
      let hungUp = false;
      const conn: ConnectionInfo = {
        id: 1_000_000 + connections++,
        remoteAddress: '127.0.0.1',
        remotePort: 1,
        endAfterAnswers: () => {
          hungUp = true;
        },
      };
      const abort = new AbortController();
      const pending = (async () => dispatcher.handle(frame, conn, abort.signal))().then(
        (answer) => ({ answer }),
        (error: unknown) => ({ error }),
      );
      let settled = await Promise.race([pending, sleep(CLIENT_PATIENCE_MS)]);
      if (settled === 'timeout') {
        abort.abort(); // the connection closed: a long poll answers now
        settled = await Promise.race([pending, sleep(HANG_MS)]);
        if (settled === 'timeout') fail(`no answer ${HANG_MS} ms after the connection closed`);
      }
      if ('error' in settled) {
        if (!isKafkaProtocolError(settled.error))
          fail(`the dispatcher threw ${String(settled.error)} (only KafkaProtocolError may close a connection)`);
        return { rejected: true, summary: `protocol error: ${settled.error.message}` };
      }
      checkAnswer(frame, settled.answer, responses, hungUp);
      return { rejected: hungUp, summary: hungUp ? 'connection ended' : 'answered' };
    },
    show: (c) => showFrame(samples, c),
  };
}

type Tail = 'none' | 'truncated' | 'huge' | 'negative' | 'junk';
interface SocketCase {
  frames: FrameCase[];
  tail: Tail;
  chunks: number[];
}

const sized = (body: Buffer, size = body.length) => {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(size, 0);
  return Buffer.concat([prefix, body]);
};

function socketBytes(samples: readonly FrameSample[], c: SocketCase): { bytes: Buffer; requests: Buffer[] } {
  const frames = c.frames.map((f) => build(samples, f));
  // Frames with a header (the others cannot be answered), in order.
  const requests = frames.filter((f) => f.length >= 8);
  const parts = frames.map((f) => sized(f));
  if (c.tail === 'truncated') parts.push(sized(Buffer.from([0, 18, 0, 0]), 100));
  if (c.tail === 'huge') parts.push(sized(Buffer.alloc(8), 0x7fffffff));
  if (c.tail === 'negative') parts.push(sized(Buffer.alloc(8), -5));
  if (c.tail === 'junk') parts.push(Buffer.from([0xde, 0xad]));
  return { bytes: Buffer.concat(parts), requests };
}

/** Sends `bytes` in pieces, half-closes, and reads until the server closes (or HANG_MS + a long poll passes). */
function exchange(port: number, bytes: Buffer, chunks: number[]): Promise<Buffer | 'hang'> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      let at = 0;
      let i = 0;
      while (at < bytes.length) {
        const n = 1 + ((chunks[i++ % Math.max(1, chunks.length)] ?? bytes.length) % Math.max(1, bytes.length - at));
        socket.write(bytes.subarray(at, at + n));
        at += n;
      }
      socket.end();
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('hang');
    }, HANG_MS + 30_000);
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => {}); // a reset is one way to close
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received));
    });
  });
}

/**
 * One ApiVersions v0 round trip on a new connection: the listener still accepts and serves others. (A
 * connection kept open across targets would meet the listener's idle timeout.)
 */
async function sentinelAnswers(port: number): Promise<boolean> {
  const inbox: Buffer[] = [];
  const socket = net.connect(port, '127.0.0.1');
  socket.on('data', (d: Buffer) => inbox.push(d));
  socket.on('error', () => {});
  socket.write(sized(Buffer.from([0, API_VERSIONS, 0, 0, 0, 0, 0, 7, 0, 0])));
  try {
    const deadline = Date.now() + HANG_MS;
    while (Date.now() < deadline) {
      const all = Buffer.concat(inbox);
      if (all.length >= 4 && all.length >= 4 + all.readInt32BE(0)) return all.readInt32BE(4) === 7;
      await sleep(5);
    }
    return false;
  } finally {
    socket.destroy();
  }
}

/** Frames, mutated frames, truncated, huge and negative sizes and junk through a live listener's sockets. */
async function socketTarget(listener: KafkaListener, port: number, logged: string[], samples: FrameSample[], responses: ResponseCodecs) {
  const target: Target<SocketCase> = {
    name: 'kafka.socket',
    weight: 2,
    arbitrary: () =>
      fc.record({
        frames: fc.array(frameCase(samples), { minLength: 1, maxLength: 4 }),
        tail: fc.constantFrom<Tail>('none', 'none', 'truncated', 'huge', 'negative', 'junk'),
        chunks: fc.array(fc.nat({ max: 4096 }), { maxLength: 6 }),
      }),
    async run(_env, c) {
      const { bytes, requests } = socketBytes(samples, c);
      const ids = requests.map((f) => f.readInt32BE(4));
      const before = logged.length;
      const output = await exchange(port, bytes, c.chunks);
      if (output === 'hang') fail('the connection neither answered and closed nor closed');
      // Answers: whole frames, in request order (a subsequence of the requests' correlation ids).
      let at = 0;
      let next = 0;
      while (at + 4 <= output.length && at + 4 + output.readInt32BE(at) <= output.length) {
        const size = output.readInt32BE(at);
        const id = output.readInt32BE(at + 4);
        while (next < ids.length && ids[next] !== id) next++;
        if (next === ids.length) fail(`an answer with correlation id ${id}, not one of the requests' in order ${JSON.stringify(ids)}`);
        checkAnswer(requests[next], output.subarray(at + 4, at + 4 + size), responses);
        next++;
        at += 4 + size;
      }
      if (at !== output.length) fail(`a partial answer: ${output.length - at} bytes after the last whole frame`);
      const failures = logged.slice(before).filter((l) => l.includes('request failed'));
      if (failures.length) fail(`the listener logged: ${failures.join(' | ')}`);
      if (!(await sentinelAnswers(port))) fail('another connection was not answered after this case');
      return { rejected: false, summary: `${output.length} bytes answered` };
    },
    show: (c) =>
      `${c.frames.map((f) => showFrame(samples, f)).join('\n    then ')}\n    tail ${c.tail}, chunks ${JSON.stringify(c.chunks)}`,
  };
  return {
    target,
    async close() {
      await listener.stop(1_000);
    },
  };
}

/** A listener on an ephemeral port, registered as this instance's Kafka node (as server/main.ts does). */
export async function kafkaTargets(env: FuzzEnv) {
  const { samples, responses } = await frameSamples();
  let report: KafkaListenerReport | null = null;
  const dispatcher = createKafkaDispatcher(env.broker, () => report);
  const logged: string[] = [];
  const listener = new KafkaListener({ dispatcher, log: (l) => logged.push(l) });
  const { port } = await listener.listen('127.0.0.1', 0);
  const bootstrap = `127.0.0.1:${port}`;
  report = { state: 'listening', listener: bootstrap, advertised: bootstrap, connections: () => listener.connectionCount };
  await env.broker.stats.reportKafkaListener(report);
  const socket = await socketTarget(listener, port, logged, samples, responses);
  return { targets: [decodeTarget(dispatcher, samples, responses), socket.target] as Target<unknown>[], close: socket.close };
}

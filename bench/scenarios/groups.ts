import { randomUUID } from 'node:crypto';
import { createBroker } from '@/server/broker';
import { Brook, type Consumer } from '@/server/client';
import { closePools, listening, startApp } from '../lib/app';
import { startChild } from '../lib/child';
import { type BenchDatabase, sampleRecord, sleep } from '../lib/env';
import { paced } from '../lib/paced';
import { percentile, type Row } from '../lib/report';

/** NATS and Redis clients are loaded only when those servers are there to compare with. */
const competitors = () => import('./competitors');

/**
 * Group consumption through the client library (HTTP, long-poll fetches, commits),
 * and produce → eachMessage latency, next to NATS JetStream and Redis Streams when they run here.
 */
const SECTION = 'groups';
export const MEMBERS = 3;

export async function fill(bench: BenchDatabase, topic: string, total: number): Promise<void> {
  const db = await bench.open(8);
  const broker = createBroker(db);
  try {
    await broker.createTopic({ name: topic, partitions: 6 });
    const batch = Array.from({ length: 5000 }, (_, i) => sampleRecord(i));
    const perPartition = total / 6;
    await Promise.all(
      Array.from({ length: 6 }, async (_, p) => {
        for (let sent = 0; sent < perPartition; sent += batch.length) {
          await broker.produce(
            topic,
            batch.slice(0, Math.min(batch.length, perPartition - sent)).map((r) => ({ ...r, partition: p })),
          );
        }
      }),
    );
  } finally {
    await broker.close();
    await db.close();
  }
}

export async function brookConsumeRate(url: string, topic: string, total: number): Promise<number> {
  let consumed = 0;
  const consumers: Consumer[] = [];
  let started = 0;
  const done = new Promise<void>((resolve) => {
    for (let m = 0; m < MEMBERS; m++) {
      const c = new Brook({ url, clientId: `bench-${m}` }).consumer({
        groupId: `bench-${topic}`,
        maxRecords: 5000,
        maxBytesPerPartition: 8 << 20,
      });
      consumers.push(c);
      c.on(c.events.CRASH, ({ payload }) => console.warn(`[bench] consumer ${m}: ${String(payload.error)}`));
      void c.subscribe({ topics: [topic], fromBeginning: true }).then(() =>
        c.run({
          eachMessage: async () => {
            if (consumed === 0) started = performance.now();
            if (++consumed === total) resolve();
          },
        }),
      );
    }
  });
  await done;
  const rate = total / ((performance.now() - started) / 1000);
  await Promise.all(consumers.map((c) => c.disconnect()));
  return rate;
}

/**
 * Produce → eachMessage at about `rate` records/s. The consumer is the client library (HTTP through the
 * app) in a process of its own. `send` produces record i with its send time in the value; `batch`
 * records go per produce call (10 = a 10 ms linger, as a Kafka producer would batch at this rate).
 */
async function brookLatency(
  url: string,
  topic: string,
  rate: number,
  seconds: number,
  batch: number,
  send: (values: string[]) => Promise<unknown>,
) {
  const total = rate * (seconds + 1);
  const consumer = startChild(new URL('../lib/group-latency-consumer.ts', import.meta.url), {
    url,
    topic,
    // A group of its own per case: a group another case used would resume from its commit and count the
    // records produced in between (seconds old) as this case's latency.
    groupId: `lat-${topic}-${batch}-${randomUUID().slice(0, 8)}`,
    total,
    warmup: rate,
  });
  try {
    await consumer.next(); // ready
    await sleep(1500); // joined and following the end of the log
    const now = () => performance.timeOrigin + performance.now();
    await paced(rate / batch, total / batch, (i) => send(Array.from({ length: batch }, (_, j) => `${i * batch + j}:${now()}`)));
    const latencies = [...(await consumer.next<{ latencies: Float64Array }>()).latencies].sort((a, b) => a - b);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    await consumer.stop();
  }
}

/**
 * `BENCH_GROUPS=latency npx tsx bench/run.ts groups` runs only the latency cases (no backlog to fill and
 * consume, no competitors): the quick loop when working on latency.
 */
export async function runGroupsBench(bench: BenchDatabase, quick: boolean): Promise<{ rows: Row[]; notes: string[] }> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const latencyOnly = process.env.BENCH_GROUPS === 'latency';
  const total = 6 * Math.ceil((quick ? 100_000 : 1_000_000) / 6); // an equal share per partition
  const seconds = quick ? 3 : 10;
  if (!latencyOnly) {
    console.log(`filling a 6-partition topic with ${total.toLocaleString()} records...`);
    await fill(bench, 'bench-group-consume', total);
  }
  {
    const admin = await bench.open(2);
    const b = createBroker(admin);
    await b.createTopic({ name: 'bench-group-latency', partitions: 1 });
    await b.close();
    await admin.close();
  }

  const app = await startApp(3392, { DATABASE_URL: bench.url });
  const producerDb = await bench.open(4);
  const producerEngine = createBroker(producerDb);
  let brookRate = 0;
  let engineLat = { p50: NaN, p99: NaN };
  let httpLat = { p50: NaN, p99: NaN };
  let pipelinedLat = { p50: NaN, p99: NaN };
  try {
    if (!latencyOnly) {
      console.log('Brook: group consumption through the client library...');
      brookRate = await brookConsumeRate(app.url, 'bench-group-consume', total);
    }
    console.log('Brook: produce -> eachMessage latency...');
    const enc = new TextEncoder();
    engineLat = await brookLatency(app.url, 'bench-group-latency', 1000, seconds, 1, (values) =>
      producerEngine.produce(
        'bench-group-latency',
        values.map((v) => ({ value: enc.encode(v), partition: 0 })),
      ),
    );
    const producer = new Brook({ url: app.url }).producer();
    httpLat = await brookLatency(app.url, 'bench-group-latency', 1000, seconds, 10, (values) =>
      producer.send({ topic: 'bench-group-latency', messages: values.map((value) => ({ value, partition: 0 })) }),
    );
    // As an application sends: one record per send(), the producer's pipeline batching what arrives
    // while a request is in flight (one request at a time per partition keeps their order).
    const pipelined = new Brook({ url: app.url }).producer();
    pipelinedLat = await brookLatency(app.url, 'bench-group-latency', 1000, seconds, 1, (values) =>
      pipelined.send({ topic: 'bench-group-latency', messages: values.map((value) => ({ value, partition: 0 })) }),
    );
    await pipelined.disconnect();
  } finally {
    await producerEngine.close();
    await producerDb.close();
    await app.stop();
    await closePools();
  }
  if (!latencyOnly)
    rows.push({
      section: SECTION,
      case: `Brook: ${MEMBERS} members consume ${total.toLocaleString()} records (6 partitions, client library over HTTP)`,
      value: brookRate,
      unit: 'rec/s',
    });

  const nats = !latencyOnly && (await listening(4222));
  const redis = !latencyOnly && (await listening(6379));
  let natsRate: number | null = null;
  if (nats) {
    console.log('NATS JetStream: same workload...');
    natsRate = await (await competitors()).natsConsumeRate(total, MEMBERS);
    rows.push({
      section: SECTION,
      case: `NATS JetStream: durable pull consumer, ${MEMBERS} workers, explicit acks`,
      value: natsRate,
      unit: 'rec/s',
    });
    rows.push({
      section: SECTION,
      case: 'Brook consume rate vs NATS JetStream',
      value: brookRate / natsRate,
      unit: 'x',
      ratio: brookRate / natsRate,
      baseline: 'of JetStream',
      target: '>= 0.5x',
      met: brookRate / natsRate >= 0.5,
    });
  } else notes.push('NATS (127.0.0.1:4222) is not running here: its rows are skipped.');
  if (redis) {
    console.log('Redis Streams: same workload...');
    const redisRate = await (await competitors()).redisConsumeRate(total, MEMBERS);
    rows.push({ section: SECTION, case: `Redis Streams: consumer group of ${MEMBERS}, XACK per batch`, value: redisRate, unit: 'rec/s' });
    rows.push({
      section: SECTION,
      case: 'Brook consume rate vs Redis Streams',
      value: brookRate / redisRate,
      unit: 'x',
      ratio: brookRate / redisRate,
      baseline: 'of Redis',
    });
  } else notes.push('Redis (127.0.0.1:6379) is not running here: its rows are skipped.');

  rows.push({
    section: SECTION,
    case: 'Brook: produce (engine, 1/call) -> eachMessage (client library) p50, 1,000 rec/s',
    value: engineLat.p50,
    unit: 'ms',
  });
  rows.push({
    section: SECTION,
    case: 'Brook: produce (engine, 1/call) -> eachMessage (client library) p99',
    value: engineLat.p99,
    unit: 'ms',
    target: '<= 15 ms',
    met: engineLat.p99 <= 15,
  });
  rows.push({
    section: SECTION,
    case: 'Brook: produce (client library, 10/request) -> eachMessage p50 / p99',
    value: httpLat.p50,
    unit: `ms / ${httpLat.p99.toFixed(2)} ms`,
    target: '<= 5 ms / <= 25 ms',
    met: httpLat.p50 <= 5 && httpLat.p99 <= 25,
  });
  rows.push({
    section: SECTION,
    case: 'Brook: produce (client library, 1/send, pipelined) -> eachMessage p50 / p99',
    value: pipelinedLat.p50,
    unit: `ms / ${pipelinedLat.p99.toFixed(2)} ms`,
  });
  if (nats) {
    const l = await (await competitors()).natsLatency(1000, seconds);
    rows.push({
      section: SECTION,
      case: 'NATS JetStream: publish -> consume p50 / p99',
      value: l.p50,
      unit: `ms / ${l.p99.toFixed(2)} ms`,
    });
  }
  if (redis) {
    const l = await (await competitors()).redisLatency(1000, seconds);
    rows.push({ section: SECTION, case: 'Redis Streams: XADD -> XREADGROUP p50 / p99', value: l.p50, unit: `ms / ${l.p99.toFixed(2)} ms` });
  }
  notes.push(
    `Group consumption: each Brook member pages through its partitions' backlog with HTTP fetches (up to 5,000 records each, base64 JSON), switching to a Server-Sent Events tail once caught up, and commits every 5 s; eachMessage does nothing but count.`,
  );
  notes.push(
    `Brook latency: records are produced at 1,000/s, either one per call by a Brook engine on the same database (another Brook process, as an order service would be), or 10 per HTTP request by the client library (made together, as after a 10 ms linger), or one per send() through the client library's pipelined producer (no linger: what arrives while the partition's request is in flight goes in the next one, so the wait for it counts); a client-library group consumer, in a process of its own (as a separate service would be), receives them through the app. Latency counts from the moment each record is made; the first second is warm-up.`,
  );
  return { rows, notes };
}

import { randomUUID } from 'node:crypto';
import { createBroker } from '@/server/broker';
import { closePools, startApp, trpcPost, trpcPostBody } from '../lib/app';
import type { BenchDatabase } from '../lib/env';
import type { Row } from '../lib/report';
import { HTTP_CLIENTS, httpRecord, sixtyFourClients } from './core-http';

/**
 * HTTP produce with and without idempotency keys, through the built server on its own port:
 * what exactly-once costs. Batch 1: 64 clients, one record per request (keyed requests coalesce among
 * themselves). Batch 1000: 8 clients, 1000 records per request. Every keyed request has a fresh key.
 * `npm run bench idempotency` runs it alone.
 */
const SECTION = 'idempotency';
const PORT = 3206;

async function batch1(url: string, topic: string, seconds: number, keyed: boolean): Promise<number> {
  await trpcPost(url, 'topics.create', { name: topic, partitions: 1 });
  await trpcPost(url, 'records.produce', { topic, records: [httpRecord(0)] });
  const run = randomUUID();
  return sixtyFourClients(seconds, (c, i) =>
    trpcPost(url, 'records.produce', {
      topic,
      records: [{ ...httpRecord(c * 1_000_000 + i), partition: 0 }],
      idempotencyKey: keyed ? `${run}-${c}-${i}` : undefined,
    }),
  );
}

async function batch1000(url: string, topic: string, requests: number, keyed: boolean): Promise<number> {
  await trpcPost(url, 'topics.create', { name: topic, partitions: 1 });
  await trpcPost(url, 'records.produce', { topic, records: [httpRecord(0)] });
  const run = randomUUID();
  const perClient = Math.ceil(requests / HTTP_CLIENTS);
  // Bodies built before the clock starts (each keyed one has its own key).
  const bodies = Array.from({ length: HTTP_CLIENTS }, (_, c) => {
    const records = Array.from({ length: 1000 }, (_, i) => ({ ...httpRecord(c * 1000 + i), partition: 0 }));
    return Array.from({ length: perClient }, (_, r) =>
      JSON.stringify({ topic, records, idempotencyKey: keyed ? `${run}-${c}-${r}` : undefined }),
    );
  });
  const t0 = performance.now();
  await Promise.all(
    bodies.map(async (list) => {
      for (const body of list) await trpcPostBody(url, 'records.produce', body);
    }),
  );
  return (HTTP_CLIENTS * perClient * 1000) / ((performance.now() - t0) / 1000);
}

/** The engine alone (no HTTP): `clients` callers each producing one record at a time, for `seconds`. */
async function engineBatch1(bench: BenchDatabase, clients: number, seconds: number, keyed: boolean): Promise<number> {
  const db = await bench.open(10);
  const broker = createBroker(db);
  try {
    const topic = `bench-idem-engine-${clients}-${keyed ? 'keyed' : 'plain'}-${randomUUID().slice(0, 8)}`;
    await broker.createTopic({ name: topic, partitions: 1 });
    const run = randomUUID();
    let done = 0;
    const deadline = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let i = 0; performance.now() < deadline; i++) {
          const record = httpRecord(c * 1_000_000 + i);
          const records = [{ key: Buffer.from(record.key), value: Buffer.from(record.value), partition: 0 }];
          await broker.produce(topic, records, undefined, undefined, keyed ? `${run}-${c}-${i}` : undefined);
          done++;
        }
      }),
    );
    return done / seconds;
  } finally {
    await broker.close();
    await db.close();
  }
}

export async function runIdempotencyBench(bench: BenchDatabase, quick: boolean): Promise<{ rows: Row[]; notes: string[] }> {
  const seconds = quick ? 2 : 5;
  const requests = quick ? 40 : 200;
  const app = await startApp(PORT, { DATABASE_URL: bench.url, BROOK_KAFKA_LISTENER: 'off' });
  const rows: Row[] = [];
  try {
    // Alternated rounds (plain, keyed, plain, keyed...), averaged: a shared machine's load drifts.
    const rounds = quick ? 1 : 3;
    let [plain1, keyed1, plain1000, keyed1000] = [0, 0, 0, 0];
    for (let r = 0; r < rounds; r++) {
      plain1 += (await batch1(app.url, `bench-idem-plain-1-${r}`, seconds, false)) / rounds;
      keyed1 += (await batch1(app.url, `bench-idem-keyed-1-${r}`, seconds, true)) / rounds;
      plain1000 += (await batch1000(app.url, `bench-idem-plain-1000-${r}`, requests, false)) / rounds;
      keyed1000 += (await batch1000(app.url, `bench-idem-keyed-1000-${r}`, requests, true)) / rounds;
    }
    const row = (c: string, value: number, unit: string, base?: number): Row => ({
      section: SECTION,
      case: c,
      value,
      unit,
      ...(base ? { ratio: value / base, baseline: 'of the same without keys' } : {}),
    });
    let [engine1, engine1Keyed, engine64, engine64Keyed] = [0, 0, 0, 0];
    for (let r = 0; r < rounds; r++) {
      engine1 += (await engineBatch1(bench, 1, seconds, false)) / rounds;
      engine1Keyed += (await engineBatch1(bench, 1, seconds, true)) / rounds;
      engine64 += (await engineBatch1(bench, 64, seconds, false)) / rounds;
      engine64Keyed += (await engineBatch1(bench, 64, seconds, true)) / rounds;
    }
    rows.push(
      row('engine produce, 1 record/call, 1 caller, no key', engine1, 'calls/s'),
      row('engine produce, 1 record/call, 1 caller, idempotency key', engine1Keyed, 'calls/s', engine1),
      row('engine produce, 1 record/call, 64 callers, no key', engine64, 'calls/s'),
      row('engine produce, 1 record/call, 64 callers, idempotency key', engine64Keyed, 'calls/s', engine64),
      row('HTTP produce, 1 record/request, 64 clients, no key', plain1, 'req/s'),
      row('HTTP produce, 1 record/request, 64 clients, idempotency key', keyed1, 'req/s', plain1),
      row(`HTTP produce, 1000 records/request, ${HTTP_CLIENTS} clients, no key`, plain1000, 'rec/s'),
      row(`HTTP produce, 1000 records/request, ${HTTP_CLIENTS} clients, idempotency key`, keyed1000, 'rec/s', plain1000),
    );
  } finally {
    await closePools();
    await app.stop();
  }
  return { rows, notes: [] };
}

// The same random workload through every produce path (the engine's queue, HTTP plain and with an
// idempotency key, Kafka plain and idempotent via kafkajs), each into its own topic: the logs, offsets and
// answers must be identical. Requests name partitions per record, so most span several partitions; sizes
// cross the one-statement limits, so both the small-append statement and COPY are taken.

import fc from 'fast-check';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { startTestServer } from '@/server/api/test-server';
import type { StoredRecord } from '@/server/broker/log/read';
import { decodeHeaders } from '@/server/broker/log/record-codec';
import { BrookHttp } from '@/server/client/http';
import { type KafkaTestBroker, kafkaTestBroker } from '@/server/kafka/testing';

const PARTITIONS = 3;

interface WorkRecord {
  partition: number;
  key: string | null;
  value: string;
  headers: Record<string, string>;
  timestamp: number;
}

const record = fc.record({
  partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
  key: fc.option(fc.string({ maxLength: 12 }), { nil: null }),
  // Mostly small values; sometimes large enough that a request passes the one-statement byte limit.
  value: fc.oneof(
    { weight: 5, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ minLength: 3000, maxLength: 9000 }) },
  ),
  headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
  timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
});
const workload = fc.array(fc.array(record, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 6 });

/** What one request was answered: each record's partition and offset, in request order. */
type Answer = Array<{ partition: number; offset: number }>;

const utf8 = (s: string | null) => (s === null ? null : new TextEncoder().encode(s));

describe.each(testBackends())('every produce path writes the same log (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(backend, (e) => {
    env = e;
  });
  let http: BrookHttp;
  let server: { url: string; close(): Promise<void> };
  let plain: Producer;
  let idempotent: Producer;
  beforeAll(async () => {
    server = await startTestServer(env.broker);
    http = new BrookHttp({ url: server.url, retry: false });
    const kafka = new Kafka({ clientId: 'paths', brokers: [env.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    plain = kafka.producer({ allowAutoTopicCreation: false });
    idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await Promise.all([plain.connect(), idempotent.connect()]);
  });
  afterAll(async () => {
    await Promise.all([plain?.disconnect(), idempotent?.disconnect()]);
    await server?.close();
  });

  const paths: Record<string, (topic: string, request: WorkRecord[], n: number) => Promise<Answer>> = {
    engine: async (topic, request) =>
      env.broker.produce(
        topic,
        request.map((r) => ({
          key: utf8(r.key),
          value: utf8(r.value),
          headers: Object.entries(r.headers).map(([key, value]) => ({ key, value: utf8(value) })),
          partition: r.partition,
          timestamp: r.timestamp,
        })),
      ),
    'HTTP plain': async (topic, request) => (await http.mutate('records.produce', { topic, records: request })).results,
    'HTTP keyed': async (topic, request, n) =>
      (await http.mutate('records.produce', { topic, records: request, idempotencyKey: `${topic}-${n}` })).results,
    'Kafka plain': (topic, request) => viaKafka(plain, topic, request),
    'Kafka idempotent': (topic, request) => viaKafka(idempotent, topic, request),
  };

  it('the same random workload yields identical logs, offsets and answers through each path', async () => {
    await fc.assert(
      fc.asyncProperty(workload, async (requests) => {
        const logs: Record<string, string> = {};
        const answers: Record<string, Answer[]> = {};
        for (const [name, send] of Object.entries(paths)) {
          const topic = uniqueName('paths');
          await env.broker.createTopic({ name: topic, partitions: PARTITIONS });
          answers[name] = [];
          for (const [n, request] of requests.entries()) answers[name].push(await send(topic, request, n));
          // Topics stay (the run's database is dropped after it): kafkajs keeps refreshing a deleted one.
          logs[name] = JSON.stringify(await readLog(topic));
        }
        // Offsets are dense from 0 per partition, in request order: what every path must have answered.
        const next = new Array(PARTITIONS).fill(0);
        const expected = requests.map((request) => request.map((r) => ({ partition: r.partition, offset: next[r.partition]++ })));
        for (const [name, got] of Object.entries(answers)) expect({ name, got }).toEqual({ name, got: expected });
        const reference = logs.engine;
        expect(JSON.parse(reference).flat()).toHaveLength(requests.flat().length);
        for (const [name, log] of Object.entries(logs)) expect({ name, log }).toEqual({ name, log: reference });
      }),
      { numRuns: 6 },
    );
  }, 240_000);

  /** Each partition's records as stored: offset, key, value, headers, timestamp. */
  async function readLog(topic: string) {
    const out: unknown[][] = [];
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const records: StoredRecord[] = [];
      for (;;) {
        const page = await env.broker.fetch({ topic, partition, offset: records.length, maxRecords: 1000, maxBytes: 64 * 1024 * 1024 });
        records.push(...page.records);
        if (records.length >= page.highWatermark) break;
      }
      const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));
      out.push(
        records.map((r) => [
          r.offset,
          text(r.key),
          text(r.value),
          decodeHeaders(r.headers).map((h) => [h.key, text(h.value)]),
          r.timestamp,
        ]),
      );
    }
    return out;
  }
});

/**
 * kafkajs answers per partition (the base offset of each partition's batch); the records of a partition
 * take consecutive offsets in request order, which gives each record's offset.
 */
async function viaKafka(producer: Producer, topic: string, request: WorkRecord[]): Promise<Answer> {
  const sent = await producer.send({
    topic,
    acks: -1,
    messages: request.map((r) => ({
      partition: r.partition,
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: String(r.timestamp),
    })),
  });
  const base = new Map(sent.map((s) => [s.partition, Number(s.baseOffset)]));
  const seen = new Map<number, number>();
  return request.map((r) => {
    const i = seen.get(r.partition) ?? 0;
    seen.set(r.partition, i + 1);
    return { partition: r.partition, offset: (base.get(r.partition) ?? Number.NaN) + i };
  });
}

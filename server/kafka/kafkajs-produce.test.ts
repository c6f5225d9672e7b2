// kafkajs 2.2.4 producers against Brook's listener on a real engine, both databases: keyed records with
// headers in every codec kafkajs has, idempotence, and the same key → partition choice as Brook's own
// produce (murmur2). Records are read back through the raw client's Fetch (a kafkajs consumer needs groups).

import { CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { readAllWithFetch, registerKafkajsCodecs } from './data/testing';
import { KafkaTestClient } from './test-client';
import { type KafkaTestBroker, kafkaTestBroker } from './testing';

registerKafkajsCodecs();

const silent = () => () => {};

describe.each(testBackends())('kafkajs producer against Brook (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(backend, (e) => {
    env = e;
  });
  let kafka: Kafka;
  let client: KafkaTestClient;
  beforeAll(async () => {
    kafka = new Kafka({
      clientId: 'brook-kafkajs-test',
      brokers: [env.bootstrap],
      logLevel: logLevel.NOTHING,
      logCreator: silent,
      retry: { retries: 2 },
    });
    client = await KafkaTestClient.connect(env.host, env.port);
  });
  afterAll(() => client?.close());

  const PARTITIONS = 3;
  const cases: Array<[string, CompressionTypes, number]> = [
    ['none', CompressionTypes.None, 10_000],
    ['gzip', CompressionTypes.GZIP, 10_000],
    ['snappy', CompressionTypes.Snappy, 10_000],
    ['lz4', CompressionTypes.LZ4, 10_000],
  ];

  it.each(cases)(
    'a producer sends keyed records with headers (%s); every one is read back whole, on the partition Brook picks for its key',
    async (_name, compression, count) => {
      const topic = uniqueName('kjs');
      await env.broker.createTopic({ name: topic, partitions: PARTITIONS });
      const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        const sent = Array.from({ length: count }, (_, i) => ({
          key: `key-${i % 97}`,
          value: `value ${i} ✓ ${'x'.repeat(i % 50)}`,
          headers: { seq: String(i), kind: i % 2 ? 'odd' : 'even' },
        }));
        for (let i = 0; i < count; i += 1000) {
          await producer.send({ topic, compression, acks: -1, messages: sent.slice(i, i + 1000) });
        }
        const got = await readAllWithFetch(client, topic, PARTITIONS);
        expect(got).toHaveLength(count);
        const bySeq = new Map(got.map((r) => [Number(r.headers.find((h) => h.key === 'seq')?.value?.toString()), r]));
        // Keys: the partition Brook's own produce picks for the same key (murmur2, as kafkajs's default and Java's).
        const reference = uniqueName('kjs-ref');
        await env.broker.createTopic({ name: reference, partitions: PARTITIONS });
        const keys = [...new Set(sent.map((m) => m.key))];
        const placed = await env.broker.produce(
          reference,
          keys.map((k) => ({ key: Buffer.from(k), value: null })),
        );
        const partitionOfKey = new Map(keys.map((k, i) => [k, placed[i].partition]));
        for (const [i, m] of sent.entries()) {
          const r = bySeq.get(i);
          expect(r?.key?.toString()).toBe(m.key);
          expect(r?.value?.toString()).toBe(m.value);
          expect(r?.headers.map((h) => [h.key, h.value?.toString()])).toEqual([
            ['seq', String(i)],
            ['kind', m.headers.kind],
          ]);
          expect(r?.partition).toBe(partitionOfKey.get(m.key));
        }
        // Per partition, in the order sent.
        for (let p = 0; p < PARTITIONS; p++) {
          const seqs = got.filter((r) => r.partition === p).map((r) => Number(r.headers[0].value?.toString()));
          expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        }
      } finally {
        await producer.disconnect();
      }
    },
  );

  it('an idempotent producer (InitProducerId, sequences) writes each record once', async () => {
    const topic = uniqueName('kjs-idem');
    await env.broker.createTopic({ name: topic, partitions: 2 });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (let round = 0; round < 5; round++) {
        await producer.send({ topic, messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: `r${round}-${i}` })) });
      }
    } finally {
      await producer.disconnect();
    }
    const got = await readAllWithFetch(client, topic, 2);
    expect(got).toHaveLength(500);
    expect(new Set(got.map((r) => r.value?.toString())).size).toBe(500);
  });

  it('acks=0 records arrive; a produce to an unknown topic fails with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const topic = uniqueName('kjs-acks0');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, acks: 0, messages: [{ value: 'fire' }, { value: 'forget' }] });
      await producer.send({ topic, acks: 1, messages: [{ value: 'after' }] });
      const got = await readAllWithFetch(client, topic, 1);
      expect(got.map((r) => r.value?.toString())).toEqual(['fire', 'forget', 'after']);
      await expect(producer.send({ topic: uniqueName('kjs-missing'), messages: [{ value: 'x' }] })).rejects.toThrow(
        /does not host this topic-partition|UNKNOWN_TOPIC|topic/i,
      );
    } finally {
      await producer.disconnect();
    }
  });
});

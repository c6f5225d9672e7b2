// A kafkajs 2.2.4 consumer reads records produced through Brook's engine (the HTTP API's produce path) byte
// for byte: keys (and null keys), binary values, tombstones, duplicate headers, timestamps, offsets. Needs
// the group handlers (a kafkajs consumer always joins a group): skipped while they are not registered.

import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { until } from '@/server/broker/testing';
import { handlerRegistry } from './handlers';
import { type KafkaTestBroker, kafkaTestBroker } from './testing';

const JOIN_GROUP = 11;
const hasGroups = handlerRegistry().has(JOIN_GROUP);

describe.runIf(hasGroups).each(testBackends())('kafkajs consumer reads what Brook produced (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(backend, (e) => {
    env = e;
  });

  it('every record, byte for byte, in offset order per partition', async () => {
    const topic = uniqueName('kjs-read');
    await env.broker.createTopic({ name: topic, partitions: 3 });
    const COUNT = 3000;
    const sent = Array.from({ length: COUNT }, (_, i) => ({
      key: i % 7 === 0 ? null : randomBytes(1 + (i % 20)),
      value: i % 11 === 0 ? null : randomBytes(i % 300),
      headers: [
        { key: 'i', value: Buffer.from(String(i)) },
        { key: 'i', value: randomBytes(3) },
      ],
      timestamp: 1_700_000_000_000 + i,
      partition: i % 3,
    }));
    const placed = await env.broker.produce(topic, sent);

    const kafka = new Kafka({ clientId: 'brook-read', brokers: [env.bootstrap], logLevel: logLevel.NOTHING, logCreator: () => () => {} });
    const consumer = kafka.consumer({ groupId: uniqueName('kjs-read-group'), maxWaitTimeInMs: 500 });
    const got: Array<{ partition: number; offset: string; key: Buffer | null; value: Buffer | null; timestamp: string; headers: unknown }> =
      [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          got.push({
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            timestamp: message.timestamp,
            headers: message.headers,
          });
        },
      });
      await until(() => got.length >= COUNT, `${COUNT} records consumed`);
    } finally {
      await consumer.disconnect();
    }
    expect(got).toHaveLength(COUNT);
    const byPlace = new Map(got.map((g) => [`${g.partition}/${g.offset}`, g]));
    for (const [i, s] of sent.entries()) {
      const g = byPlace.get(`${placed[i].partition}/${placed[i].offset}`);
      expect(g?.key ?? null).toEqual(s.key);
      expect(g?.value ?? null).toEqual(s.value);
      expect(g?.timestamp).toBe(String(s.timestamp));
      // kafkajs folds duplicate header keys into an array, in order.
      expect(g?.headers).toEqual({ i: [s.headers[0].value, s.headers[1].value] });
    }
    for (let p = 0; p < 3; p++) {
      const offsets = got.filter((g) => g.partition === p).map((g) => Number(g.offset));
      expect(offsets).toEqual(Array.from({ length: COUNT / 3 }, (_, i) => i));
    }
  });
});

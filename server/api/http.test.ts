import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { snapshotState, testBackends, uniqueName } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { callApi } from './test-server';

/** The HTTP contract as curl sees it: GET for queries, POST for mutations, plain JSON, Kafka names in errors. */
describe.each(testBackends())('HTTP API on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  const call = <P extends string>(method: 'GET' | 'POST', path: P, input: unknown) => callApi(broker, method, path, input);

  testBroker(backend, (env) => ({ db, broker } = env), { start: true });

  it('creates, produces (utf8 and base64), fetches and lists offsets', async () => {
    const topic = uniqueName('http');
    expect((await call('POST', 'topics.create', { name: topic, partitions: 2 })).status).toBe(200);
    const produced = await call('POST', 'records.produce', {
      topic,
      records: [
        {
          key: 'k1',
          value: '{"n":1}',
          headers: [
            { key: 'a', value: '1' },
            { key: 'a', value: '2' },
          ],
          partition: 1,
          timestamp: 1_700_000_000_000,
        },
        { value: 'plain · café · 日本 · 😀', partition: 1, headers: { 'tràce-ü': 'ab€' } },
      ],
    });
    expect(produced.status).toBe(200);
    expect(produced.body.result.data.results).toEqual([
      { partition: 1, offset: 0 },
      { partition: 1, offset: 1 },
    ]);
    const binary = await call('POST', 'records.produce', {
      topic,
      encoding: 'base64',
      records: [{ key: Buffer.from([0, 255]).toString('base64'), value: Buffer.from([1, 2, 3]).toString('base64'), partition: 1 }],
    });
    expect(binary.body.result.data.results[0].offset).toBe(2);

    const fetched = await call('GET', 'records.fetch', { topic, partition: 1, offset: 0 });
    expect(fetched.status).toBe(200);
    const data = fetched.body.result.data;
    expect(data.highWatermark).toBe(3);
    expect(data.records[0]).toEqual({
      offset: 0,
      timestamp: 1_700_000_000_000,
      key: 'k1',
      value: '{"n":1}',
      headers: [
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
      ],
    });
    // Multi-byte UTF-8 (2, 3 and 4 bytes per character) survives the round trip in values and headers.
    expect(data.records[1].value).toBe('plain · café · 日本 · 😀');
    expect(data.records[1].headers).toEqual([{ key: 'tràce-ü', value: 'ab€' }]);
    const b64 = await call('GET', 'records.fetch', { topic, partition: 1, offset: 2, encoding: 'base64' });
    expect(b64.body.result.data.records[0]).toMatchObject({ key: 'AP8=', value: 'AQID' });

    const latest = await call('GET', 'records.listOffsets', { topic, partition: 1, spec: 'latest' });
    expect(latest.body.result.data.offset).toBe(3);
    const list = await call('GET', 'topics.list', undefined);
    expect(list.body.result.data.find((t: { name: string }) => t.name === topic)).toMatchObject({ partitions: 2, records: 3 });
  });

  it.each([
    ['POST', 'topics.create', { name: "'; drop table records; --", partitions: 1 }, 400, 'INVALID_TOPIC_EXCEPTION', 17],
    ['POST', 'topics.create', { name: 'ok-name', partitions: 0 }, 400, 'INVALID_PARTITIONS', 37],
    ['POST', 'topics.create', { name: 'ok-name', partitions: 1, configs: { 'no.such': 1 } }, 400, 'INVALID_CONFIG', 40],
    ['POST', 'topics.create', { name: 42 }, 400, 'INVALID_REQUEST', 42],
    ['POST', 'records.produce', { topic: 'missing-topic', records: [{ value: 'x' }] }, 404, 'UNKNOWN_TOPIC_OR_PARTITION', 3],
    ['POST', 'records.produce', { topic: 'T', records: [{ value: 'x'.repeat(1_048_589) }] }, 413, 'MESSAGE_TOO_LARGE', 10],
    ['POST', 'records.produce', { topic: 'T', encoding: 'base64', records: [{ value: 'not base64!' }] }, 400, 'INVALID_REQUEST', 42],
    ['GET', 'records.fetch', { topic: 'T', partition: 0, offset: -1 }, 400, 'OFFSET_OUT_OF_RANGE', 1],
    ['GET', 'records.fetch', { topic: 'T', partition: 0, offset: 5 }, 400, 'OFFSET_OUT_OF_RANGE', 1],
    ['GET', 'records.fetch', { topic: 'T', partition: 9, offset: 0 }, 404, 'UNKNOWN_TOPIC_OR_PARTITION', 3],
    ['GET', 'topics.get', { name: 'missing-topic' }, 404, 'UNKNOWN_TOPIC_OR_PARTITION', 3],
    ['POST', 'topics.create', { name: 'T', partitions: 1 }, 409, 'TOPIC_ALREADY_EXISTS', 36],
  ] as const)('%s %s %j -> HTTP %i %s (%i), nothing changed', async (method, path, input, status, kafkaName, kafkaCode) => {
    const topic = 'T';
    await broker.createTopic({ name: topic, partitions: 1 }).catch(() => {});
    const before = await snapshotState(db);
    const res = await call(method, path, input);
    expect(res.status).toBe(status);
    expect(res.body.error.data.kafka).toMatchObject({ name: kafkaName, code: kafkaCode });
    expect(res.body.error.message.length).toBeGreaterThan(0);
    expect(await snapshotState(db)).toBe(before);
  });

  it('rejects a mutation sent as GET', async () => {
    const res = await call('GET', 'topics.create', { name: uniqueName('get'), partitions: 1 });
    expect(res.status).toBe(405);
  });
});

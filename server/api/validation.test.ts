import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { snapshotState, testBackends } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { handleApiRequest } from './edge/handler';
import { type ApiAnswer, callApi } from './test-server';

/**
 * Hostile input through the whole HTTP edge (guard + router): each is a 4xx with a Kafka name, never
 * a 500, and changes nothing. NUL and lone surrogates used to reach Postgres text/jsonb (500), huge
 * numbers reached SQL (500), lone surrogates were stored as U+FFFD (200, different bytes).
 */
describe.each(testBackends())('input validation on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  testBroker(backend, (env) => ({ db, broker } = env), { start: true });

  const send = async (req: Request) => {
    const res = await handleApiRequest(req, async () => broker);
    return { status: res.status, body: (await res.json()) as ApiAnswer };
  };
  const call = <P extends string>(method: 'GET' | 'POST', path: P, input: unknown) => callApi(broker, method, path, input);

  const T = 'valid-t';
  const heartbeat = (over: object) => ({ groupId: 'g1', memberEpoch: 0, topics: [T], ...over });
  const many = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

  it.each([
    // NUL and other control characters in names and ids.
    ['GET', 'topics.get', { name: 'a\u0000b' }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['GET', 'topics.segments', { name: 'a\u0000b' }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['POST', 'topics.delete', { name: 'a\u0000b' }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['POST', 'topics.create', { name: 'a\u0000b' }, 400, 'INVALID_TOPIC_EXCEPTION'],
    ['POST', 'topics.alterConfigs', { name: T, configs: { 'retention.ms\u0000': '1' } }, 400, 'INVALID_REQUEST'],
    ['POST', 'records.produce', { topic: `${T}\u0000`, records: [{ value: 'x' }] }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['GET', 'records.fetch', { topic: `${T}\u0000`, partition: 0, offset: 0 }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['GET', 'records.browse', { topic: `${T}\u0000` }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['GET', 'records.listOffsets', { topic: `${T}\u0000`, partition: 0, spec: 'latest' }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['GET', 'groups.byTopic', { topic: `${T}\u0000` }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['GET', 'rates.history', { topic: `${T}\u0000` }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['POST', 'groups.heartbeat', heartbeat({ groupId: 'g\u0000' }), 400, 'INVALID_GROUP_ID'],
    ['POST', 'groups.heartbeat', heartbeat({ groupId: 'g\ud800' }), 400, 'INVALID_GROUP_ID'],
    ['POST', 'groups.heartbeat', heartbeat({ groupId: 'g'.repeat(256) }), 400, 'INVALID_GROUP_ID'],
    ['GET', 'groups.describe', { groupId: 'g\u0000' }, 400, 'INVALID_GROUP_ID'],
    ['GET', 'groups.lag', { groupId: 'g\u0000' }, 400, 'INVALID_GROUP_ID'],
    ['GET', 'groups.fetchOffsets', { groupId: 'g\u0000' }, 400, 'INVALID_GROUP_ID'],
    ['POST', 'groups.delete', { groupId: 'g\u0000' }, 400, 'INVALID_GROUP_ID'],
    ['POST', 'groups.heartbeat', heartbeat({ memberId: 'm\u0000' }), 400, 'INVALID_REQUEST'],
    ['POST', 'groups.heartbeat', heartbeat({ clientId: 'c\u0000' }), 400, 'INVALID_REQUEST'],
    ['POST', 'groups.heartbeat', heartbeat({ clientId: 'c\ud800' }), 400, 'INVALID_REQUEST'],
    ['POST', 'groups.heartbeat', heartbeat({ topics: [`${T}\u0000`] }), 400, 'INVALID_TOPIC_EXCEPTION'],
    ['POST', 'groups.heartbeat', heartbeat({ topics: ['x'.repeat(250)] }), 400, 'INVALID_TOPIC_EXCEPTION'],
    ['POST', 'groups.heartbeat', heartbeat({ ownedPartitions: [{ topic: 'a\u0000', partitions: [0] }] }), 400, 'INVALID_TOPIC_EXCEPTION'],
    [
      'POST',
      'groups.commit',
      { groupId: 'g1', offsets: [{ topic: T, partition: 0, offset: 0, metadata: 'm\u0000' }] },
      400,
      'INVALID_REQUEST',
    ],
    ['POST', 'groups.resetOffsets', { groupId: 'g1', topic: `${T}\u0000`, to: 'earliest' }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    [
      'POST',
      'groups.resetOffsets',
      { groupId: 'g1', topic: T, partitions: Array.from({ length: 200_000 }, (_, i) => i), to: 'earliest' },
      400,
      'INVALID_REQUEST',
    ],
    ['POST', 'groups.resetOffsets', { groupId: 'g1', topic: T, to: { timestamp: 1e300 } }, 400, 'INVALID_REQUEST'],
    [
      'POST',
      'groups.commit',
      { groupId: 'g1', offsets: [{ topic: T, partition: 0, offset: 0, metadata: 'm\udc00' }] },
      400,
      'INVALID_REQUEST',
    ],
    ['POST', 'groups.deleteOffsets', { groupId: 'g1', topic: `${T}\u0000` }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
    // Sizes: subscriptions, lists, maps.
    ['POST', 'groups.heartbeat', heartbeat({ topics: many(100_000) }), 400, 'INVALID_REQUEST'],
    ['POST', 'groups.heartbeat', heartbeat({ topics: many(1001) }), 400, 'INVALID_REQUEST'],
    [
      'GET',
      'records.browse',
      { topic: T, window: Object.fromEntries(many(1001).map((_, i) => [String(i), { from: 0, to: 1 }])) },
      414,
      'INVALID_REQUEST',
    ],
    ['GET', 'records.browse', { topic: T, window: { zero: { from: 0, to: 1 } } }, 400, 'INVALID_REQUEST'],
    ['GET', 'records.browse', { topic: T, partitions: [1e300] }, 400, 'INVALID_REQUEST'],
    // Numbers out of every sane range reached SQL.
    ['GET', 'rates.history', { since: 1e300 }, 400, 'INVALID_REQUEST'],
    ['GET', 'rates.history', { since: -1e300 }, 400, 'INVALID_REQUEST'],
    ['GET', 'rates.topics', { since: 1e300 }, 400, 'INVALID_REQUEST'],
    ['GET', 'rates.topics', { since: -1e300 }, 400, 'INVALID_REQUEST'],
    ['GET', 'groups.lagHistory', { groupId: 'g1', since: 1e300 }, 400, 'INVALID_REQUEST'],
    ['GET', 'records.fetch', { topic: T, partition: 0, offset: 1.5 }, 400, 'INVALID_REQUEST'],
    ['GET', 'records.fetch', { topic: T, partition: 1e300, offset: 0 }, 400, 'INVALID_REQUEST'],
    ['GET', 'records.fetch', { topic: T, partition: 0, offset: 0, maxWaitMs: 1e300 }, 400, 'INVALID_REQUEST'],
    ['POST', 'records.produce', { topic: T, records: [{ value: 'x', timestamp: 1e300 }] }, 400, 'INVALID_REQUEST'],
    ['POST', 'records.produce', { topic: T, records: [{ value: 'x', partition: 0.5 }] }, 400, 'INVALID_REQUEST'],
    ['POST', 'topics.addPartitions', { name: T, count: 1e300 }, 400, 'INVALID_REQUEST'],
    // Text that is not Unicode would be stored as U+FFFD (different bytes): refused, pointing to base64.
    ['POST', 'records.produce', { topic: T, records: [{ value: 'ok \ud800' }] }, 400, 'INVALID_REQUEST'],
    ['POST', 'records.produce', { topic: T, records: [{ key: '\udc00', value: 'v' }] }, 400, 'INVALID_REQUEST'],
    ['POST', 'records.produce', { topic: T, records: [{ value: 'v', headers: [{ key: 'h', value: '\ud83d' }] }] }, 400, 'INVALID_REQUEST'],
    ['POST', 'records.produce', { topic: T, records: [{ value: 'v', headers: { 'h\ud800': 'x' } }] }, 400, 'INVALID_REQUEST'],
  ] as const)('%s %s (case %#) is refused, nothing changed', async (method, path, input, status, kafkaName) => {
    await broker.createTopic({ name: T, partitions: 1 }).catch(() => {});
    const before = await snapshotState(db);
    const res = await call(method, path, input);
    expect({ status: res.status, kafka: res.body.error?.data?.kafka?.name }).toEqual({ status, kafka: kafkaName });
    expect(res.body.error.message.length).toBeGreaterThan(0);
    expect(await snapshotState(db)).toBe(before);
  });

  it('refuses a body that is not UTF-8 rather than storing U+FFFD, and stores base64 bytes exactly', async () => {
    await broker.createTopic({ name: T, partitions: 1 }).catch(() => {});
    const before = await snapshotState(db);
    const body = Buffer.concat([
      Buffer.from(`{"topic":"${T}","records":[{"value":"`),
      Buffer.from([0xff, 0x00, 0xc3]),
      Buffer.from('"}]}'),
    ]);
    const headers = { host: 'localhost:3000', 'content-type': 'application/json' };
    const res = await send(new Request('http://localhost:3000/api/trpc/records.produce', { method: 'POST', headers, body }));
    expect(res.status).toBe(400);
    expect(res.body.error.data.kafka.name).toBe('INVALID_REQUEST');
    expect(res.body.error.message).toMatch(/base64/);
    expect(await snapshotState(db)).toBe(before);

    const ok = await call('POST', 'records.produce', {
      topic: T,
      encoding: 'base64',
      records: [{ value: Buffer.from([0xff, 0, 0xc3]).toString('base64') }],
    });
    expect(ok.status).toBe(200);
    const fetched = await call('GET', 'records.fetch', {
      topic: T,
      partition: 0,
      offset: ok.body.result.data.results[0].offset,
      encoding: 'base64',
    });
    expect(Buffer.from(fetched.body.result.data.records[0].value ?? '', 'base64')).toEqual(Buffer.from([0xff, 0, 0xc3]));
  });

  it('still accepts well-formed text everywhere it was refused above', async () => {
    await broker.createTopic({ name: T, partitions: 1 }).catch(() => {});
    const res = await call('POST', 'records.produce', {
      topic: T,
      records: [{ key: 'k 😀', value: 'tab\there', headers: [{ key: 'h\u0000k', value: 'é' }] }],
    });
    expect(res.status).toBe(200);
    const joined = await call('POST', 'groups.heartbeat', heartbeat({ groupId: 'g-ok', clientId: 'client 1', topics: many(1000) }));
    expect(joined.status).toBe(200);
  });
});

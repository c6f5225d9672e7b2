import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { snapshotState } from '@/db/testing';
import { callApi } from '@/server/api/test-server';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { createKafkaDispatcher } from '@/server/kafka';

/** Counterexamples `npm run fuzz` found, replayed as they were shrunk (each failed before its fix). */
describe('fuzz counterexamples', () => {
  let db: Database;
  let broker: Broker;
  testBroker('pglite', (env) => ({ db, broker } = env));

  it.each([
    ['GET', 'topics.alterConfigs', null],
    ['POST', 'records.fetch', undefined],
  ] as const)('%s %s (the wrong method) is 405 with a Kafka error name', async (method, path, input) => {
    const res = await callApi(broker, method, path, input);
    expect(res.status).toBe(405);
    expect(res.body.error.data.kafka).toMatchObject({ name: 'INVALID_REQUEST', code: 42 });
  });

  it.each([
    ['records.tailTopic', { topic: '0' }, 'UNKNOWN_TOPIC_OR_PARTITION', 404],
    ['records.tail', { topic: 'fuzz-tail', partition: 0, offset: 0, lastEventId: '3' }, 'OFFSET_OUT_OF_RANGE', 400],
  ] as const)('%s %j: the stream error event is %s with HTTP %i, not a 500', async (path, input, name, status) => {
    await broker.createTopic({ name: 'fuzz-tail', partitions: 1 }).catch(() => {});
    const url = new URL(`http://localhost:3000/api/trpc/${path}`);
    url.searchParams.set('input', JSON.stringify(input));
    const abort = new AbortController();
    const { handleApiRequest } = await import('@/server/api/edge/handler');
    const res = await handleApiRequest(new Request(url, { headers: { host: 'localhost:3000' }, signal: abort.signal }), async () => broker);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!/event: serialized-error\ndata: .*\n/.test(text)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    abort.abort();
    await reader.cancel();
    const event = text.split('event: serialized-error\ndata: ')[1];
    expect(event, text).toBeDefined();
    const data = JSON.parse(event.split('\n')[0]);
    expect(data.data).toMatchObject({ httpStatus: status, kafka: { name } });
  });

  it('a heartbeat of an unknown member is refused without rewriting the group row', async () => {
    await broker.createTopic({ name: 'fuzz-hb', partitions: 1 });
    await broker.groups.commit({ groupId: 'fuzz-group', offsets: [{ topic: 'fuzz-hb', partition: 0, offset: 0 }] });
    const [row] = await db.query<{ updated_at: Date }>(`SELECT updated_at FROM consumer_groups WHERE group_id = 'fuzz-group'`);
    const res = await callApi(broker, 'POST', 'groups.heartbeat', {
      groupId: 'fuzz-group',
      memberId: '00000000-0000-1000-8000-000000000000',
      memberEpoch: 1,
    });
    expect(res.body.error.data.kafka.name).toBe('UNKNOWN_MEMBER_ID');
    const [after] = await db.query<{ updated_at: Date }>(`SELECT updated_at FROM consumer_groups WHERE group_id = 'fuzz-group'`);
    expect(after.updated_at).toEqual(row.updated_at);
  });

  it.each([
    // OffsetCommit v1 whose second topic is "\0\09": the topic lookup sent the NUL to Postgres.
    '000800010000009f000466757a7a00026b31000186a200026b330000000200026b3600000002000186a900000002540be40a00000002540be40b00036b3132000186ae00000002540be40f00000002540be41000036b3137000300003900000002000186b600000002540be41700000002540be41800036b3235000186bb00000002540be41c00000002540be41d00036b3330',
    // OffsetFetch v0 for a topic named "\x80\0".
    '00090000000000b1000466757a7a00026b31000000020002800000000002000186a6000186a700026b3900000002000186ab000186ac00',
    // DeleteTopics v0 of "\0\0".
    '00140000000000f1000466757a7a000000020002000000026b33000186a4',
  ])('Kafka frame %s is answered (no handler failure, no change)', async (hex) => {
    const logged: string[] = [];
    const before = await snapshotState(db);
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args.join(' '));
    try {
      // Made after console.error is replaced: the dispatcher takes it as its log when created.
      const dispatcher = createKafkaDispatcher(broker, () => null);
      const answer = await dispatcher.handle(
        Buffer.from(hex, 'hex'),
        { id: 1, remoteAddress: '127.0.0.1', remotePort: 1, endAfterAnswers: () => {} },
        new AbortController().signal,
      );
      expect(answer).not.toBeNull();
    } finally {
      console.error = original;
    }
    expect(logged).toEqual([]);
    expect(await snapshotState(db)).toBe(before);
  });
});

import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { snapshotState, testBackends, uniqueName } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { callApi } from '../test-server';

/** groups.resetOffsets over HTTP: a missing or broken time or offset is refused, never read as "earliest". */
describe.each(testBackends())('groups.resetOffsets over HTTP on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  testBroker(backend, (env) => ({ db, broker } = env));
  const post = (input: unknown) => callApi(broker, 'POST', 'groups.resetOffsets', input);

  it('refuses an empty, invalid or fractional time or offset, and bad partitions, changing nothing', async () => {
    const topic = uniqueName('reset');
    await broker.createTopic({ name: topic, partitions: 2 });
    await broker.produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ value: new TextEncoder().encode(`v${i}`), partition: i % 2 })),
    );
    const groupId = uniqueName('g');
    await broker.groups.resetOffsets({ groupId, topic, to: 'latest' });
    const before = await snapshotState(db);
    for (const to of [
      { timestamp: null },
      { timestamp: '' },
      { timestamp: 1.5 },
      { timestamp: -1 },
      { offset: null },
      { offset: 2.5 },
      { offsets: [] },
      { offsets: [{ partition: 0, offset: -3 }] },
      {},
    ]) {
      const res = await post({ groupId, topic, to });
      expect(res.status, JSON.stringify(to)).toBe(400);
      expect(res.body.error.data.code).toBe('BAD_REQUEST');
    }
    expect((await post({ groupId, topic, partitions: [0.5], to: 'earliest' })).status).toBe(400);
    expect(await snapshotState(db)).toBe(before);
    const ok = await post({ groupId, topic, to: { offsets: [{ partition: 1, offset: 2 }] } });
    expect(ok.status).toBe(200);
    expect(ok.body.result.data).toEqual([{ topic, partition: 1, previousOffset: 5, newOffset: 2 }]);
  });
});

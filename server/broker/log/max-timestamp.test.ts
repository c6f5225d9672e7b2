import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { testBackends, uniqueName } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { maintainLogs } from './maintenance';

const enc = (s: string) => new TextEncoder().encode(s);

describe.each(testBackends())('ListOffsets max timestamp on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  testBroker(backend, (env) => ({ db, broker } = env));

  it('finds the largest timestamp in sealed and open segments, the lowest offset among equals; null when empty', async () => {
    const topic = uniqueName('max-ts');
    await broker.createTopic({ name: topic, partitions: 1, configs: { 'segment.records': 10 } });
    expect(await broker.listOffsets(topic, 0, 'maxTimestamp')).toMatchObject({ offset: null, timestamp: null });
    const t0 = Date.now() - 60_000;
    // Offsets 0-24 over three segments; the peak (t0 + 500) is at offsets 13 and 17, in a segment that will be sealed.
    const stamps = Array.from({ length: 25 }, (_, i) => (i === 13 || i === 17 ? t0 + 500 : t0 + i));
    await broker.produce(
      topic,
      stamps.map((timestamp, i) => ({ value: enc(`v${i}`), timestamp, partition: 0 })),
    );
    expect(await broker.listOffsets(topic, 0, 'maxTimestamp')).toMatchObject({ offset: 13, timestamp: t0 + 500 });
    await maintainLogs(db, Date.now(), [topic]);
    const sealed = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM log_segments s JOIN topic_partitions tp ON tp.id = s.partition_id JOIN topics t ON t.id = tp.topic_id
        WHERE t.name = $1 AND s.max_timestamp IS NOT NULL`,
      [topic],
    );
    expect(sealed[0].n).toBeGreaterThanOrEqual(2);
    expect(await broker.listOffsets(topic, 0, 'maxTimestamp')).toMatchObject({ offset: 13, timestamp: t0 + 500 });
    // A newer peak in the open segment wins.
    await broker.produce(topic, [{ value: enc('new'), timestamp: t0 + 900, partition: 0 }]);
    expect(await broker.listOffsets(topic, 0, 'maxTimestamp')).toMatchObject({ offset: 25, timestamp: t0 + 900 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, testBackends, uniqueName } from '@/db/testing';
import { type Broker, createBroker } from '.';
import { renderMetrics } from './metrics-collect';
import { parsePrometheusText as parse } from './metrics-text';

describe.each(testBackends())('Prometheus metrics on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    // A clock of its own, far from other files' sampling slots on a shared server database.
    const offset = (400 + Math.floor(Math.random() * 400)) * 86_400_000;
    broker = createBroker(db, { now: () => Date.now() + offset });
  });
  afterAll(async () => {
    await broker?.close();
    await db?.close();
  });

  it('exports lag, offsets and watermarks that agree with groups.describe', async () => {
    const topic = uniqueName('m');
    await broker.createTopic({ name: topic, partitions: 2 });
    await broker.produce(
      topic,
      Array.from({ length: 30 }, (_, i) => ({ value: new Uint8Array([i]), partition: i % 2 })),
    );
    const group = uniqueName('g');
    await broker.groups.commit({
      groupId: group,
      offsets: [
        { topic, partition: 0, offset: 5 },
        { topic, partition: 1, offset: 15 },
      ],
    });
    await broker.stats.sample();
    const metrics = parse((await renderMetrics(broker)).body);
    const d = await broker.groups.describe(group);
    for (const p of d.lag.partitions) {
      const labels = `group="${group}",partition="${p.partition}",topic="${topic}"`;
      expect(metrics.get(`kafka_consumergroup_group_lag{${labels}}`)).toBe(p.lag);
      expect(metrics.get(`kafka_consumergroup_group_offset{${labels}}`)).toBe(p.committedOffset);
    }
    expect(metrics.get(`kafka_consumergroup_group_sum_lag{group="${group}"}`)).toBe(d.lag.totalLag);
    expect(metrics.get(`kafka_consumergroup_group_max_lag{group="${group}"}`)).toBe(d.lag.maxLag);
    expect(d.lag.totalLag).toBe(10);
    expect(metrics.get(`kafka_partition_latest_offset{partition="0",topic="${topic}"}`)).toBe(15);
    expect(metrics.get(`kafka_partition_earliest_offset{partition="1",topic="${topic}"}`)).toBe(0);
    expect(metrics.get(`brook_consumergroup_status{group="${group}"}`)).toBe(0);
    expect(metrics.get(`brook_produced_records_total{topic="${topic}"}`)).toBe(30);
    expect([...metrics.keys()].some((k) => k.startsWith('brook_produce_latency_seconds_bucket'))).toBe(true);
  });

  it('times every SQL statement by name, in transactions too, and counts failures by kind', async () => {
    const count = async (statement: string) =>
      parse((await renderMetrics(broker)).body).get(`brook_db_query_seconds_count{statement="${statement}"}`) ?? 0;
    const names = [
      'append',
      'append.watermark',
      'copy_in',
      'fetch.read',
      'watermark',
      'topic_metadata',
      'heartbeat.lock_group',
      'heartbeat.save_group',
      'commit.lock_group',
      'commit.offsets',
    ];
    const before = new Map<string, number>();
    for (const n of names) before.set(n, await count(n));

    const topic = uniqueName('s');
    await broker.createTopic({ name: topic, partitions: 1 });
    await broker.produce(topic, [{ value: new Uint8Array([1]) }]); // a transaction: lock the watermark row, COPY
    await broker.produce(topic, [{ value: new Uint8Array([2]) }]); // then one statement
    await broker.fetch({ topic, partition: 0, offset: 0 });
    await broker.listOffsets(topic, 0, 'latest');
    await broker.groups.heartbeat({ groupId: uniqueName('g'), memberEpoch: 0, topics: [topic], clientId: 'test' });
    await broker.groups.commit({ groupId: uniqueName('g'), offsets: [{ topic, partition: 0, offset: 1 }] });
    for (const n of names) expect({ n, grew: (await count(n)) > (before.get(n) ?? 0) }).toEqual({ n, grew: true });

    const failed = async () =>
      parse((await renderMetrics(broker)).body).get(`brook_db_query_errors_total{kind="22012",statement="test.divide"}`) ?? 0;
    const failedBefore = await failed();
    await expect(db.query('SELECT 1 / 0', [], { name: 'test.divide' })).rejects.toThrow();
    expect(await failed()).toBe(failedBefore + 1);
  });
});

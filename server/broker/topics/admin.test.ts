import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { snapshotState, testBackends, uniqueName } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { expectKafkaError, testBroker } from '@/server/broker/testing';
import { segmentTable } from '../log/segments';

const enc = (s: string) => new TextEncoder().encode(s);

describe.each(testBackends())('topic admin on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  testBroker(backend, (env) => ({ db, broker } = env));

  it('creates a topic with watermark rows, log tables and Kafka default configs', async () => {
    const name = uniqueName('orders');
    const t = await broker.createTopic({ name, partitions: 4, configs: { 'retention.ms': 60000, 'cleanup.policy': 'compact' } });
    expect(t.partitions).toBe(4);
    expect(t.partitionDetails.map((p) => [p.partition, p.logStartOffset, p.highWatermark])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [2, 0, 0],
      [3, 0, 0],
    ]);
    const cfg = Object.fromEntries(t.configEntries.map((c) => [c.name, c.value]));
    expect(cfg).toMatchObject({
      'retention.ms': '60000',
      'cleanup.policy': 'compact',
      'retention.bytes': '-1',
      'max.message.bytes': '1048588',
      'message.timestamp.type': 'CreateTime',
    });
    expect(t.configEntries.find((c) => c.name === 'retention.ms')?.isDefault).toBe(false);
    expect((await broker.listTopics()).map((x) => x.name)).toContain(name);
  });

  it('lists records and bytes from the watermark rows', async () => {
    const name = uniqueName('counts');
    await broker.createTopic({ name, partitions: 2 });
    await broker.produce(name, [
      { value: enc('12345'), partition: 0 },
      { key: enc('k'), value: enc('1234'), partition: 1 },
      { value: null, partition: 1 },
    ]);
    const t = (await broker.listTopics()).find((x) => x.name === name)!;
    expect(t.records).toBe(3);
    expect(t.bytes).toBe(10);
    const d = await broker.describeTopic(name);
    expect(d.partitionDetails.map((p) => p.records)).toEqual([1, 2]);
  });

  it.each([
    ["'; drop table records; --", 'INVALID_TOPIC_EXCEPTION'],
    ['x'.repeat(250), 'INVALID_TOPIC_EXCEPTION'],
    ['..', 'INVALID_TOPIC_EXCEPTION'],
    ['.', 'INVALID_TOPIC_EXCEPTION'],
    ['', 'INVALID_TOPIC_EXCEPTION'],
    ['has space', 'INVALID_TOPIC_EXCEPTION'],
    ['ünïcode', 'INVALID_TOPIC_EXCEPTION'],
  ] as const)('rejects topic name %j with %s and changes nothing', async (name, kafkaName) => {
    const before = await snapshotState(db);
    await expectKafkaError(broker.createTopic({ name, partitions: 1 }), kafkaName);
    expect(await snapshotState(db)).toBe(before);
  });

  it('accepts a 249-character name', async () => {
    const name = uniqueName('l').padEnd(249, 'x');
    await broker.createTopic({ name, partitions: 1 });
    await broker.deleteTopic(name);
  });

  it.each([0, 1001, -1, 1.5])('rejects %s partitions with INVALID_PARTITIONS and changes nothing', async (partitions) => {
    const before = await snapshotState(db);
    await expectKafkaError(broker.createTopic({ name: uniqueName('p'), partitions }), 'INVALID_PARTITIONS');
    expect(await snapshotState(db)).toBe(before);
  });

  it.each([
    [{ 'retention.mss': 1 }],
    [{ 'retention.ms': 'soon' }],
    [{ 'cleanup.policy': 'archive' }],
    [{ 'message.timestamp.type': 'WallClock' }],
    [{ 'max.message.bytes': -5 }],
  ])('rejects configs %j with INVALID_CONFIG and changes nothing', async (configs) => {
    const before = await snapshotState(db);
    await expectKafkaError(broker.createTopic({ name: uniqueName('c'), partitions: 1, configs }), 'INVALID_CONFIG');
    expect(await snapshotState(db)).toBe(before);
  });

  it('refuses a duplicate name (TOPIC_ALREADY_EXISTS) and a "." / "_" collision', async () => {
    const name = uniqueName('dup.topic');
    await broker.createTopic({ name, partitions: 1 });
    const before = await snapshotState(db);
    await expectKafkaError(broker.createTopic({ name, partitions: 3 }), 'TOPIC_ALREADY_EXISTS');
    const err = await expectKafkaError(broker.createTopic({ name: name.replace('.', '_'), partitions: 1 }), 'INVALID_TOPIC_EXCEPTION');
    expect(err.message).toContain('collides');
    expect(await snapshotState(db)).toBe(before);
  });

  it('alters configs incrementally, resets with null, and rejects unknown names atomically', async () => {
    const name = uniqueName('alter');
    await broker.createTopic({ name, partitions: 1, configs: { 'retention.ms': 1000 } });
    const entries = await broker.alterTopicConfigs(name, { 'retention.bytes': 4096, 'retention.ms': null });
    const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
    expect(byName['retention.bytes'].value).toBe('4096');
    expect(byName['retention.ms'].isDefault).toBe(true);
    const before = await snapshotState(db);
    await expectKafkaError(broker.alterTopicConfigs(name, { 'retention.bytes': 1, 'bogus.config': 1 }), 'INVALID_CONFIG');
    await expectKafkaError(broker.alterTopicConfigs(uniqueName('missing'), { 'retention.ms': 1 }), 'UNKNOWN_TOPIC_OR_PARTITION');
    expect(await snapshotState(db)).toBe(before);
  });

  it('adds partitions only upwards (the new total, like Kafka CreatePartitions)', async () => {
    const name = uniqueName('grow');
    await broker.createTopic({ name, partitions: 2 });
    const before = await snapshotState(db);
    await expectKafkaError(broker.addPartitions(name, 2), 'INVALID_PARTITIONS');
    await expectKafkaError(broker.addPartitions(name, 1), 'INVALID_PARTITIONS');
    await expectKafkaError(broker.addPartitions(name, 1001), 'INVALID_PARTITIONS');
    expect(await snapshotState(db)).toBe(before);
    const t = await broker.addPartitions(name, 5);
    expect(t.partitionDetails.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4]);
    const [r] = await broker.produce(name, [{ value: enc('x'), partition: 4 }]);
    expect(r).toEqual({ partition: 4, offset: 0 });
  });

  it('deletes a topic and leaves no child tables behind', async () => {
    const name = uniqueName('doomed');
    await broker.createTopic({ name, partitions: 3, configs: { 'segment.records': 10 } });
    await broker.produce(
      name,
      Array.from({ length: 90 }, (_, i) => ({ value: enc(`v${i}`), partition: i % 3 })),
    );
    const ids = (
      await db.query<{ id: number }>(`SELECT tp.id FROM topic_partitions tp JOIN topics t ON t.id = tp.topic_id WHERE t.name = $1`, [name])
    ).map((r) => r.id);
    const tablesOf = async () =>
      (await db.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relname ~ $1`, [`^records_p(${ids.join('|')})(_|$)`])).map(
        (r) => r.relname,
      );
    expect((await tablesOf()).length).toBeGreaterThanOrEqual(3 + 9); // partition tables + their segments
    await broker.deleteTopic(name);
    expect(await tablesOf()).toEqual([]);
    expect(await db.query(`SELECT 1 FROM log_segments WHERE partition_id = ANY($1::int[])`, [ids])).toEqual([]);
    expect((await broker.listTopics()).map((t) => t.name)).not.toContain(name);
    await expectKafkaError(broker.deleteTopic(name), 'UNKNOWN_TOPIC_OR_PARTITION');
    await expectKafkaError(broker.produce(name, [{ value: enc('x') }]), 'UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('describes segments: the generated table of each, its records and its size on disk', async () => {
    const name = uniqueName('segs');
    await broker.createTopic({ name, partitions: 1, configs: { 'segment.records': 10 } });
    await broker.produce(
      name,
      Array.from({ length: 15 }, (_, i) => ({ value: enc(`v${i}`) })),
    );
    const [{ id }] = await db.query<{ id: number }>(
      `SELECT tp.id FROM topic_partitions tp JOIN topics t ON t.id = tp.topic_id WHERE t.name = $1`,
      [name],
    );
    const segments = await broker.segments(name);
    expect(segments.map((s) => [s.baseOffset, s.endOffset, s.records, s.table])).toEqual([
      [0, 10, 10, segmentTable(id, 0)],
      [10, 20, 5, segmentTable(id, 10)],
    ]);
    for (const s of segments) expect(s.sizeBytes).toBeGreaterThan(0);
    await expectKafkaError(broker.segments(uniqueName('none')), 'UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('creates a 1,000-partition topic', async () => {
    const name = uniqueName('wide');
    const t = await broker.createTopic({ name, partitions: 1000 });
    expect(t.partitionDetails).toHaveLength(1000);
    await broker.produce(name, [{ value: enc('last'), partition: 999 }]);
    const f = await broker.fetch({ topic: name, partition: 999, offset: 0 });
    expect(f.records).toHaveLength(1);
    await broker.deleteTopic(name);
  });
});

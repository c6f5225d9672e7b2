import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { testBackends, uniqueName } from '@/db/testing';
import { type Broker, isBrokerError } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { dropOrphanTables, maintainLogs } from './maintenance';
import { partitionTable, segmentTable } from './segments';

const enc = (s: string) => new TextEncoder().encode(s);
const HOUR = 3_600_000;

describe.each(testBackends())('log maintenance on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  testBroker(backend, (env) => ({ db, broker } = env));

  const segmentsOf = async (topic: string, partition = 0) =>
    db.query<{ base_offset: number; end_offset: number; max_timestamp: number | null; bytes: number | null }>(
      `SELECT s.base_offset, s.end_offset, s.max_timestamp, s.bytes FROM log_segments s
         JOIN topic_partitions tp ON tp.id = s.partition_id JOIN topics t ON t.id = tp.topic_id
        WHERE t.name = $1 AND tp.partition = $2 ORDER BY s.base_offset`,
      [topic, partition],
    );
  const tablesOf = async (topic: string) =>
    (
      await db.query<{ relname: string }>(
        `SELECT c.relname FROM pg_class c, topic_partitions tp JOIN topics t ON t.id = tp.topic_id
          WHERE t.name = $1 AND c.relkind = 'r' AND c.relname LIKE 'records\\_p' || tp.id || '\\_s%' ORDER BY c.relname`,
        [topic],
      )
    ).map((r) => r.relname);

  it('creates the next segment ahead of need and seals segments the log has passed', async () => {
    const topic = uniqueName('ahead');
    await broker.createTopic({ name: topic, partitions: 1, configs: { 'segment.records': 100 } });
    const t0 = Date.now() - 60_000; // recent: ancient timestamps would be dropped by the 7-day retention
    await broker.produce(
      topic,
      Array.from({ length: 60 }, (_, i) => ({ value: enc(`v${i}`), timestamp: t0 + i })),
    );
    const report = await maintainLogs(db, Date.now(), [topic]);
    expect(report.segmentsCreated).toBe(1);
    expect((await segmentsOf(topic)).map((s) => [s.base_offset, s.end_offset])).toEqual([
      [0, 100],
      [100, 200],
    ]);
    await broker.produce(
      topic,
      Array.from({ length: 50 }, (_, i) => ({ value: enc(`w${i}`), timestamp: t0 + 1000 + i })),
    );
    await maintainLogs(db, Date.now(), [topic]);
    const [first] = await segmentsOf(topic);
    expect(first.max_timestamp).toBe(t0 + 1039); // the largest timestamp among offsets 0..99
    expect(first.bytes).toBe(10 * 2 + 50 * 3 + 10 * 2 + 30 * 3); // v0..v9, v10..v59, w0..w9, w10..w39
  });

  it('retention.ms drops whole segments (DROP TABLE) and moves the log start offset', async () => {
    const topic = uniqueName('retain-ms');
    await broker.createTopic({ name: topic, partitions: 1, configs: { 'segment.records': 10, 'retention.ms': HOUR } });
    const now = Date.now();
    // Offsets 0..19 are three hours old, 20..24 are fresh.
    await broker.produce(
      topic,
      Array.from({ length: 20 }, (_, i) => ({ value: enc(`old${i}`), timestamp: now - 3 * HOUR })),
    );
    await broker.produce(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ value: enc(`new${i}`), timestamp: now })),
    );
    expect(await tablesOf(topic)).toHaveLength(3);
    const report = await maintainLogs(db, now, [topic]);
    expect(report.segmentsDropped).toBe(2);
    const t = await broker.describeTopic(topic);
    expect(t.partitionDetails[0]).toMatchObject({ logStartOffset: 20, highWatermark: 25, records: 5, bytes: 20 });
    expect((await tablesOf(topic)).length).toBe(2); // active [20,30) and the one created ahead
    const err = await broker.fetch({ topic, partition: 0, offset: 0 }).catch((e) => e);
    expect(isBrokerError(err, 'OFFSET_OUT_OF_RANGE')).toBe(true);
    const f = await broker.fetch({ topic, partition: 0, offset: 20 });
    expect(f.records.map((r) => r.offset)).toEqual([20, 21, 22, 23, 24]);
    expect((await broker.listOffsets(topic, 0, 'earliest')).offset).toBe(20);
  });

  it('retention.bytes drops the oldest segments while the partition stays above the limit', async () => {
    const topic = uniqueName('retain-bytes');
    await broker.createTopic({ name: topic, partitions: 1, configs: { 'segment.records': 10, 'retention.bytes': 250 } });
    // 40 records of 10 bytes: 400 bytes in 4 sealed segments of 100 bytes (+ an empty active one).
    await broker.produce(
      topic,
      Array.from({ length: 40 }, (_, i) => ({ value: enc(`r${String(i).padStart(9, '0')}`) })),
    );
    await maintainLogs(db, Date.now(), [topic]);
    const t = await broker.describeTopic(topic);
    // Kafka's rule: drop while (size - retention.bytes) - segment size >= 0: 400 -> 300 -> stop at 300 - 250 < 100.
    expect(t.partitionDetails[0]).toMatchObject({ logStartOffset: 10, bytes: 300 });
    await maintainLogs(db, Date.now(), [topic]);
    expect((await broker.describeTopic(topic)).partitionDetails[0].logStartOffset).toBe(10);
  });

  it('segment.ms rolls the active segment early (re-attached with a tighter bound) so retention can drop it', async () => {
    const topic = uniqueName('roll-ms');
    await broker.createTopic({ name: topic, partitions: 1, configs: { 'segment.ms': HOUR, 'retention.ms': 2 * HOUR } });
    const now = Date.now();
    await broker.produce(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ value: enc(`x${i}`), timestamp: now })),
    );
    expect((await segmentsOf(topic)).map((s) => s.base_offset)).toEqual([0]);
    // Not yet: the first record is younger than segment.ms.
    expect((await maintainLogs(db, now, [topic])).segmentsRolled).toBe(0);
    const later = now + HOUR + 1;
    expect((await maintainLogs(db, later, [topic])).segmentsRolled).toBe(1);
    const segs = await segmentsOf(topic);
    expect(segs[0]).toMatchObject({ base_offset: 0, end_offset: 5, max_timestamp: now });
    expect(segs[1].base_offset).toBe(5);
    // Appends keep going into the new segment, and fetch crosses the boundary.
    await broker.produce(topic, [{ value: enc('after-roll'), timestamp: now }]);
    const f = await broker.fetch({ topic, partition: 0, offset: 3 });
    expect(f.records.map((r) => r.offset)).toEqual([3, 4, 5]);
    // Three hours on, the rolled segment has expired and goes; so does offset 5, rolled in the same
    // pass because its first record is now older than segment.ms. The log is empty but keeps its offsets.
    const report = await maintainLogs(db, now + 3 * HOUR, [topic]);
    expect(report).toMatchObject({ segmentsRolled: 1, segmentsDropped: 2 });
    expect((await broker.describeTopic(topic)).partitionDetails[0]).toMatchObject({ logStartOffset: 6, highWatermark: 6, records: 0 });
    const [next] = await broker.produce(topic, [{ value: enc('next') }]);
    expect(next.offset).toBe(6);
  });

  it('compaction keeps the latest record per key in sealed segments, then drops expired tombstones', async () => {
    const topic = uniqueName('compact');
    await broker.createTopic({
      name: topic,
      partitions: 1,
      configs: { 'cleanup.policy': 'compact', 'segment.records': 10, 'delete.retention.ms': 60_000 },
    });
    const rejected = await broker.produce(topic, [{ value: enc('no key') }]).catch((e) => e);
    expect(isBrokerError(rejected, 'INVALID_RECORD')).toBe(true);
    const now = Date.now();
    // 25 records: keys k0..k4 five times over (offset i has key k(i%5), value v<i>); k1's last write is a tombstone.
    await broker.produce(
      topic,
      Array.from({ length: 25 }, (_, i) => ({ key: enc(`k${i % 5}`), value: i === 21 ? null : enc(`v${i}`), timestamp: now - 120_000 })),
    );
    const report = await maintainLogs(db, now, [topic]);
    // Sealed: [0,10) and [10,20); the active segment [20,30) is never compacted.
    expect(report.recordsCompacted).toBe(20);
    const { records } = await broker.fetch({ topic, partition: 0, offset: 0, maxRecords: 100 });
    expect(records.map((r) => r.offset)).toEqual([20, 21, 22, 23, 24]);
    expect(records.find((r) => r.offset === 21)!.value).toBeNull(); // the tombstone, still in the active segment
    const t = await broker.describeTopic(topic);
    expect(t.partitionDetails[0]).toMatchObject({ highWatermark: 25, records: 5 });
    // Later writes seal the segment holding the tombstone; once older than delete.retention.ms it goes too.
    await broker.produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ key: enc(`k${i % 5}`), value: enc(`w${i}`), timestamp: now })),
    );
    await maintainLogs(db, now + 120_000, [topic]);
    const after = await broker.fetch({ topic, partition: 0, offset: 0, maxRecords: 100 });
    expect(after.records.map((r) => r.offset)).toEqual([30, 31, 32, 33, 34]);
    expect((await broker.describeTopic(topic)).partitionDetails[0].records).toBe(5);
    // Fetching from a compacted-away offset continues at the next record.
    expect((await broker.fetch({ topic, partition: 0, offset: 3, maxRecords: 1 })).records[0].offset).toBe(30);
  });

  it('segment.records lowered on a live topic rolls the active segment at the next pass, and compaction follows', async () => {
    const topic = uniqueName('roll-records');
    await broker.createTopic({ name: topic, partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    const now = Date.now();
    // 150 records over 5 keys, all in one large active segment (the defaults).
    await broker.produce(
      topic,
      Array.from({ length: 150 }, (_, i) => ({ key: enc(`k${i % 5}`), value: enc(`v${i}`), timestamp: now - 60_000 })),
    );
    expect((await maintainLogs(db, now, [topic])).segmentsRolled).toBe(0);
    const [{ end_offset: end }] = await segmentsOf(topic);
    expect(end).toBeGreaterThan(100_000);
    await broker.alterTopicConfigs(topic, { 'segment.records': 100 });
    const report = await maintainLogs(db, now, [topic]);
    expect(report.segmentsRolled).toBe(1);
    // The rolled segment ends at the high watermark; the next one has the new size (the rest of the old range follows it).
    expect((await segmentsOf(topic)).map((s) => [s.base_offset, s.end_offset])).toEqual([
      [0, 150],
      [150, 250],
      [250, end],
    ]);
    expect(report.recordsCompacted).toBe(145);
    const { records } = await broker.fetch({ topic, partition: 0, offset: 0, maxRecords: 1000 });
    expect(records.map((r) => r.offset)).toEqual([145, 146, 147, 148, 149]);
    // Appends continue across the new boundaries.
    const results = await broker.produce(
      topic,
      Array.from({ length: 120 }, (_, i) => ({ key: enc(`n${i}`), value: enc(`n${i}`), timestamp: now })),
    );
    expect(results.at(-1)!.offset).toBe(269);
    expect((await broker.fetch({ topic, partition: 0, offset: 248, maxRecords: 4 })).records.map((r) => r.offset)).toEqual([
      248, 249, 250, 251,
    ]);
  });

  it('segment.bytes lowered on a live topic rolls the active segment at the next pass', async () => {
    const topic = uniqueName('roll-bytes');
    await broker.createTopic({ name: topic, partitions: 1 });
    await broker.produce(
      topic,
      Array.from({ length: 50 }, (_, i) => ({ value: enc(`value-${String(i).padStart(40, '0')}`) })),
    );
    expect((await maintainLogs(db, Date.now(), [topic])).segmentsRolled).toBe(0);
    await broker.alterTopicConfigs(topic, { 'segment.bytes': 1024 });
    expect((await maintainLogs(db, Date.now(), [topic])).segmentsRolled).toBe(1);
    expect((await segmentsOf(topic))[0]).toMatchObject({ base_offset: 0, end_offset: 50 });
  });

  it('collects log tables left behind by a topic whose rows are gone', async () => {
    await db.query(`CREATE TABLE ${partitionTable(987654)} PARTITION OF records FOR VALUES IN (987654) PARTITION BY RANGE ("offset")`);
    await db.query(`CREATE TABLE ${segmentTable(987654, 0)} PARTITION OF ${partitionTable(987654)} FOR VALUES FROM (0) TO (10)`);
    expect(await dropOrphanTables(db)).toBeGreaterThanOrEqual(1);
    expect(await db.query(`SELECT 1 FROM pg_class WHERE relname LIKE 'records\\_p987654%'`)).toEqual([]);
  });
});

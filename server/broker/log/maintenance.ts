import type { Database, Queryable } from '@/db/client';
import { resolveTopicConfig, type TopicConfig } from '../configs';
import { LOCK_NOT_AVAILABLE, sqlState } from '../errors';
import { expireIdempotencyKeys } from '../idempotency/append-keyed';
import { expireProducers, PRODUCER_ID_EXPIRATION_MS } from '../producers/store';
import { compactPartition } from './compaction';
import {
  createSegment,
  parsePartitionTable,
  partitionTable,
  ROW_OVERHEAD_BYTES,
  segmentCapacity,
  segmentTable,
  tableSizes,
  UNPREPARED,
} from './segments';

/**
 * Segment upkeep, run by a background loop in every Brook process. Each action re-reads its facts under
 * the partition's watermark row lock, so two processes doing the same pass at once stay correct; a
 * lock that is busy (lock_timeout) just leaves the work for the next pass.
 */

/** One row per partition with what the passes need to decide, in one query (no per-partition round trips). */
interface PartitionState {
  id: number;
  high_watermark: number;
  log_start_offset: number;
  bytes: number;
  configs: Record<string, string>;
  max_end: number | null;
  unsealed_behind: boolean;
  active_base: number | null;
  active_end: number | null;
  active_created_ms: number | null;
  active_bytes: number | null;
  oldest_max_ts: number | null;
  oldest_bytes: number | null;
}

export interface MaintenanceReport {
  segmentsCreated: number;
  segmentsSealed: number;
  segmentsRolled: number;
  segmentsDropped: number;
  recordsCompacted: number;
  orphanTablesDropped: number;
  /** Idempotent producers' partition state forgotten after producer.id.expiration.ms idle. */
  producerStatesExpired: number;
  /** records.produce's idempotency keys older than their window, forgotten. */
  idempotencyKeysExpired: number;
}

const LOCK_TIMEOUT = `SET LOCAL lock_timeout = '2s'`;

/**
 * `topics` limits the pass to some topics (tests share a database); by default every partition is
 * visited, idle producer state (producer.id.expiration.ms, Kafka's broker config) is expired, and so are
 * idempotency keys older than `idempotencyWindowMs` (BROOK_IDEMPOTENCY_WINDOW).
 */
export async function maintainLogs(
  db: Database,
  now: number,
  topics?: readonly string[],
  producerIdExpirationMs = PRODUCER_ID_EXPIRATION_MS,
  idempotencyWindowMs = 86_400_000,
): Promise<MaintenanceReport> {
  const report: MaintenanceReport = {
    segmentsCreated: 0,
    segmentsSealed: 0,
    segmentsRolled: 0,
    segmentsDropped: 0,
    recordsCompacted: 0,
    orphanTablesDropped: 0,
    producerStatesExpired: 0,
    idempotencyKeysExpired: 0,
  };
  const partitions = await db.query<PartitionState>(
    `SELECT tp.id, tp.high_watermark, tp.log_start_offset, tp.bytes, t.configs,
            seg.max_end, seg.unsealed_behind, active.base_offset AS active_base, active.end_offset AS active_end,
            (extract(epoch FROM active.created_at) * 1000)::bigint AS active_created_ms,
            (tp.bytes - COALESCE(seg.sealed_bytes, 0))::bigint AS active_bytes,
            oldest.max_timestamp AS oldest_max_ts, oldest.bytes AS oldest_bytes
       FROM topic_partitions tp
       JOIN topics t ON t.id = tp.topic_id
       LEFT JOIN LATERAL (
         SELECT max(s.end_offset) AS max_end,
                bool_or(s.sealed_at IS NULL AND s.end_offset <= tp.high_watermark) AS unsealed_behind,
                sum(s.bytes) FILTER (WHERE s.sealed_at IS NOT NULL)::bigint AS sealed_bytes
           FROM log_segments s WHERE s.partition_id = tp.id
       ) seg ON true
       LEFT JOIN log_segments active ON active.partition_id = tp.id
             AND active.base_offset <= tp.high_watermark AND active.end_offset > tp.high_watermark
       LEFT JOIN LATERAL (
         SELECT s.max_timestamp, s.bytes FROM log_segments s
          WHERE s.partition_id = tp.id AND s.sealed_at IS NOT NULL ORDER BY s.base_offset LIMIT 1
       ) oldest ON true
      WHERE $1::text[] IS NULL OR t.name = ANY($1::text[])`,
    [topics ?? null],
    { name: 'maintenance.plan' },
  );
  for (const p of partitions) {
    const config = resolveTopicConfig(p.configs);
    await guard(async () => {
      report.segmentsCreated += await createAhead(db, p, config);
      const sealed = p.unsealed_behind ? await sealSegments(db, p.id) : 0;
      const rolled = shouldRoll(p, config, now)
        ? await rollActiveSegment(db, p.id, config, now, segmentCapacity(config, avgPayload(p)))
        : 0;
      // Segments sealed or rolled just now are not in the summary row yet: let retention look again.
      if (config.cleanupPolicy.delete && (sealed + rolled > 0 || retentionDue(p, config, now))) {
        report.segmentsDropped += await applyRetention(db, p.id, config, now);
      }
      report.segmentsSealed += sealed;
      report.segmentsRolled += rolled;
      if (config.cleanupPolicy.compact) report.recordsCompacted += await compactPartition(db, p.id, config, now);
    });
  }
  if (!topics) {
    report.orphanTablesDropped = await dropOrphanTables(db);
    report.producerStatesExpired = await expireProducers(db, now, producerIdExpirationMs);
    report.idempotencyKeysExpired = await expireIdempotencyKeys(db, now, idempotencyWindowMs);
  }
  return report;
}

/** Cheap pre-check from the summary row; the roll itself re-checks against the segment's first record. */
function shouldRoll(p: PartitionState, config: TopicConfig, now: number): boolean {
  if (p.active_base === null || p.active_base === p.high_watermark) return false; // active segment still empty
  const records = p.high_watermark - p.active_base;
  const estimatedSize = (p.active_bytes ?? 0) + records * ROW_OVERHEAD_BYTES;
  // A segment can only hold records appended after it was created. segment.records is checked here as
  // well as at creation: lowered on a live topic, it must also close the segment already open.
  return records >= config.segmentRecords || estimatedSize >= config.segmentBytes || now - (p.active_created_ms ?? now) >= config.segmentMs;
}

function retentionDue(p: PartitionState, config: TopicConfig, now: number): boolean {
  if (p.oldest_bytes === null) return false; // nothing sealed
  const expired = config.retentionMs >= 0 && (p.oldest_max_ts === null || p.oldest_max_ts < now - config.retentionMs);
  const oversize = config.retentionBytes >= 0 && p.bytes - config.retentionBytes - p.oldest_bytes >= 0;
  return expired || oversize;
}

/** A busy lock only postpones the work to the next pass. */
async function guard(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (sqlState(err) !== LOCK_NOT_AVAILABLE) throw err;
  }
}

const avgPayload = (p: PartitionState) => {
  const n = p.high_watermark - p.log_start_offset;
  return n > 0 ? p.bytes / n : 1024;
};

/** Keeps the next segment ready once the active one is half full, so appends rarely run DDL themselves. */
async function createAhead(db: Database, p: PartitionState, config: TopicConfig): Promise<number> {
  const capacity = segmentCapacity(config, avgPayload(p));
  if (p.max_end !== null && p.max_end - p.high_watermark > capacity / 2) return 0;
  return db.transaction(async (tx) => {
    await tx.query(LOCK_TIMEOUT);
    const [row] = await tx.query<{ high_watermark: number; max_end: number | null }>(
      `SELECT tp.high_watermark, (SELECT max(end_offset) FROM log_segments WHERE partition_id = tp.id) AS max_end
         FROM topic_partitions tp WHERE tp.id = $1 FOR UPDATE`,
      [p.id],
    );
    if (!row || row.max_end === null || row.max_end - row.high_watermark > capacity / 2) return 0;
    await createSegment(tx, p.id, row.max_end, row.max_end + capacity);
    return 1;
  });
}

/** Records, once, the largest timestamp and the payload bytes of each segment the log has moved past. */
async function sealSegments(db: Database, partitionId: number): Promise<number> {
  const pending = await db.query<{ base_offset: number }>(
    `SELECT s.base_offset FROM log_segments s JOIN topic_partitions tp ON tp.id = s.partition_id
      WHERE s.partition_id = $1 AND s.sealed_at IS NULL AND s.end_offset <= tp.high_watermark
      ORDER BY s.base_offset`,
    [partitionId],
  );
  for (const s of pending) await sealSegment(db, partitionId, s.base_offset);
  return pending.length;
}

export async function sealSegment(db: Queryable, partitionId: number, baseOffset: number): Promise<void> {
  // A sealed segment never changes again (but for compaction): give the planner its statistics once.
  await db.query(`ANALYZE ${segmentTable(partitionId, baseOffset)}`, [], { ...UNPREPARED, name: 'maintenance.analyze_segment' });
  await db.query(
    `UPDATE log_segments SET sealed_at = COALESCE(sealed_at, now()), max_timestamp = stats.max_ts, bytes = stats.bytes, record_count = stats.n
       FROM (SELECT max("timestamp") AS max_ts, count(*)::bigint AS n,
                    COALESCE(sum(COALESCE(octet_length(key), 0) + COALESCE(octet_length(value), 0)
                                 + COALESCE(octet_length(headers), 0)), 0)::bigint AS bytes
               FROM ${segmentTable(partitionId, baseOffset)}) stats
      WHERE partition_id = $1 AND base_offset = $2`,
    [partitionId, baseOffset],
    { ...UNPREPARED, name: 'maintenance.seal_segment' },
  );
}

/**
 * segment.ms / segment.bytes / segment.records: closes the active segment early at the high watermark.
 * Range bounds are fixed at creation, so the segment is re-attached with a tighter upper bound (a CHECK
 * constraint proves the bound, sparing Postgres a second scan) and the rest of its old range becomes new
 * segments: the next one of `capacity` offsets (today's config), then the remainder, so the offsets
 * covered never shrink (other processes may rely on them). Runs with the watermark row locked: no append
 * can land in between.
 */
async function rollActiveSegment(db: Database, partitionId: number, config: TopicConfig, now: number, capacity: number): Promise<number> {
  const [active] = await db.query<{ base_offset: number; end_offset: number; high_watermark: number }>(
    `SELECT s.base_offset, s.end_offset, tp.high_watermark
       FROM log_segments s JOIN topic_partitions tp ON tp.id = s.partition_id
      WHERE s.partition_id = $1 AND s.base_offset < tp.high_watermark AND s.end_offset > tp.high_watermark`,
    [partitionId],
  );
  if (!active) return 0;
  const table = segmentTable(partitionId, active.base_offset);
  const [first] = await db.query<{ timestamp: number }>(
    `SELECT "timestamp" FROM ${table} WHERE partition_id = $1 ORDER BY "offset" LIMIT 1`,
    [partitionId],
    UNPREPARED,
  );
  const tooOld = first !== undefined && now - first.timestamp >= config.segmentMs;
  const tooBig = ((await tableSizes(db, [table])).get(table) ?? 0) >= config.segmentBytes;
  const tooMany = active.high_watermark - active.base_offset >= config.segmentRecords;
  if (!tooOld && !tooBig && !tooMany) return 0;

  return db.transaction(async (tx) => {
    await tx.query(LOCK_TIMEOUT);
    const [row] = await tx.query<{ high_watermark: number }>(`SELECT high_watermark FROM topic_partitions WHERE id = $1 FOR UPDATE`, [
      partitionId,
    ]);
    const h = row?.high_watermark;
    if (h === undefined || h <= active.base_offset || h >= active.end_offset) return 0; // moved on meanwhile
    const parent = partitionTable(partitionId);
    const bound = `${table}_bound`;
    await tx.query(
      `ALTER TABLE ${table} ADD CONSTRAINT ${bound} CHECK ("offset" >= ${active.base_offset} AND "offset" < ${h})`,
      [],
      UNPREPARED,
    );
    await tx.query(`ALTER TABLE ${parent} DETACH PARTITION ${table}`, [], UNPREPARED);
    await tx.query(`ALTER TABLE ${parent} ATTACH PARTITION ${table} FOR VALUES FROM (${active.base_offset}) TO (${h})`, [], UNPREPARED);
    await tx.query(`ALTER TABLE ${table} DROP CONSTRAINT ${bound}`, [], UNPREPARED);
    await tx.query(`UPDATE log_segments SET end_offset = $3 WHERE partition_id = $1 AND base_offset = $2`, [
      partitionId,
      active.base_offset,
      h,
    ]);
    const next = Math.min(active.end_offset, h + Math.max(1, capacity));
    await createSegment(tx, partitionId, h, next);
    if (next < active.end_offset) await createSegment(tx, partitionId, next, active.end_offset);
    await sealSegment(tx, partitionId, active.base_offset);
    return 1;
  });
}

/**
 * Kafka's delete policy over sealed segments, oldest first: drop while the segment's newest record is
 * older than retention.ms, or while the partition stays at or above retention.bytes without it.
 * Dropping a segment is a DROP TABLE, and moves the log start offset past it in the same transaction.
 */
async function applyRetention(db: Database, partitionId: number, config: TopicConfig, now: number): Promise<number> {
  if (config.retentionMs < 0 && config.retentionBytes < 0) return 0;
  const sealed = await db.query<{
    base_offset: number;
    end_offset: number;
    max_timestamp: number | null;
    bytes: number;
    record_count: number | null;
    total: number;
  }>(
    `SELECT s.base_offset, s.end_offset, s.max_timestamp, s.bytes, s.record_count, tp.bytes AS total
       FROM log_segments s JOIN topic_partitions tp ON tp.id = s.partition_id
      WHERE s.partition_id = $1 AND s.sealed_at IS NOT NULL AND s.end_offset <= tp.high_watermark
      ORDER BY s.base_offset`,
    [partitionId],
  );
  let excess = sealed.length && config.retentionBytes >= 0 ? sealed[0].total - config.retentionBytes : -1;
  let dropped = 0;
  for (const s of sealed) {
    // A sealed segment without a max timestamp holds no records: nothing to keep.
    const expired = config.retentionMs >= 0 && (s.max_timestamp === null || s.max_timestamp < now - config.retentionMs);
    const oversize = excess >= 0 && excess - s.bytes >= 0;
    if (!expired && !oversize) break;
    await dropSegment(db, partitionId, s, s.record_count === null ? 0 : s.end_offset - s.base_offset - s.record_count);
    excess -= s.bytes;
    dropped++;
  }
  return dropped;
}

/** `compactedAway`: offsets of the segment that compaction had already removed (no longer in the log's count). */
async function dropSegment(
  db: Database,
  partitionId: number,
  seg: { base_offset: number; end_offset: number; bytes: number },
  compactedAway: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(LOCK_TIMEOUT);
    await tx.query(
      `UPDATE topic_partitions
          SET log_start_offset = GREATEST(log_start_offset, $2), bytes = GREATEST(bytes - $3, 0),
              removed_records = GREATEST(removed_records - $4, 0)
        WHERE id = $1`,
      [partitionId, seg.end_offset, seg.bytes, Math.max(0, compactedAway)],
    );
    await tx.query(`DELETE FROM log_segments WHERE partition_id = $1 AND base_offset = $2`, [partitionId, seg.base_offset]);
    await tx.query(`DROP TABLE IF EXISTS ${segmentTable(partitionId, seg.base_offset)}`, [], UNPREPARED);
  });
}

/** Log tables whose topic-partition is gone (a delete cut short by a crash). */
export async function dropOrphanTables(db: Database): Promise<number> {
  const children = await db.query<{ relname: string }>(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'records'::regclass`,
  );
  const ids = children.map((c) => parsePartitionTable(c.relname)).filter((id) => id !== null);
  const orphans = await db.query<{ id: number }>(
    `SELECT id FROM unnest($1::int[]) AS c(id) WHERE NOT EXISTS (SELECT 1 FROM topic_partitions tp WHERE tp.id = c.id)`,
    [ids],
  );
  for (const o of orphans) await db.query(`DROP TABLE IF EXISTS ${partitionTable(o.id)}`, [], UNPREPARED);
  return orphans.length;
}

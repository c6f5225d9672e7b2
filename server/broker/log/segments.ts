import type { Queryable } from '@/db/client';
import type { TopicConfig } from '../configs';

/**
 * Log segments: each topic-partition's log is `records_p<id>` (a LIST partition of `records`, itself
 * partitioned by RANGE of offset), and each segment is a child `records_p<id>_s<baseOffset>`.
 * Names come only from integer ids and offsets; every DDL statement here runs with the partition's
 * watermark row locked by the caller, which serialises it with appends across processes.
 */

function checkId(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`invalid id for a generated identifier: ${n}`);
  return n;
}

export const partitionTable = (partitionId: number) => `records_p${checkId(partitionId)}`;
export const segmentTable = (partitionId: number, baseOffset: number) => `${partitionTable(partitionId)}_s${checkId(baseOffset)}`;

const PARTITION_TABLE = /^records_p(\d+)$/;

/** The partition id a `partitionTable` name stands for, or null for any other name. */
export function parsePartitionTable(name: string): number | null {
  const id = Number(PARTITION_TABLE.exec(name)?.[1]);
  return Number.isSafeInteger(id) && partitionTable(id) === name ? id : null;
}

/**
 * Size on disk (with index and TOAST) of each named log table, 0 for one that is gone. The names are
 * values here (to_regclass), so SQL never rebuilds them.
 */
export async function tableSizes(db: Queryable, tables: readonly string[]): Promise<Map<string, number>> {
  if (tables.length === 0) return new Map();
  const rows = await db.query<{ name: string; size: number | null }>(
    `SELECT t.name, pg_total_relation_size(to_regclass(t.name)) AS size FROM unnest($1::text[]) AS t(name)`,
    [tables],
  );
  return new Map(rows.map((r) => [r.name, r.size ?? 0]));
}

/** For statements that name a generated table: not kept as prepared statements (see QueryOptions). */
export const UNPREPARED = { prepare: false } as const;

/** Bytes a row costs beyond its payload (tuple header, offsets, timestamp, index entry), for sizing. */
export const ROW_OVERHEAD_BYTES = 60;

/**
 * How many offsets the next segment covers: `segment.records`, or fewer when `segment.bytes` would be
 * reached first at the partition's average record size.
 */
export function segmentCapacity(config: Pick<TopicConfig, 'segmentRecords' | 'segmentBytes'>, avgPayloadBytes: number): number {
  const perRecord = Math.max(1, avgPayloadBytes) + ROW_OVERHEAD_BYTES;
  return Math.max(1, Math.min(config.segmentRecords, Math.floor(config.segmentBytes / perRecord)));
}

/** Creates the partition's log table (if missing). Caller holds the watermark row lock. */
export async function ensurePartitionTable(tx: Queryable, partitionId: number): Promise<void> {
  await tx.query(
    `CREATE TABLE IF NOT EXISTS ${partitionTable(partitionId)} PARTITION OF records ` +
      `FOR VALUES IN (${checkId(partitionId)}) PARTITION BY RANGE ("offset")`,
    [],
    { ...UNPREPARED, name: 'segments.create_partition_table' },
  );
}

export async function createSegment(tx: Queryable, partitionId: number, baseOffset: number, endOffset: number): Promise<void> {
  await tx.query(
    `CREATE TABLE IF NOT EXISTS ${segmentTable(partitionId, baseOffset)} PARTITION OF ${partitionTable(partitionId)} ` +
      `FOR VALUES FROM (${checkId(baseOffset)}) TO (${checkId(endOffset)})`,
    [],
    { ...UNPREPARED, name: 'segments.create_table' },
  );
  await tx.query(
    `INSERT INTO log_segments (partition_id, base_offset, end_offset) VALUES ($1, $2, $3)
     ON CONFLICT (partition_id, base_offset) DO NOTHING`,
    [partitionId, baseOffset, endOffset],
    { name: 'segments.register' },
  );
}

/**
 * Makes sure segments cover offsets up to `upTo` (exclusive), creating the partition table and as many
 * segments of `capacity` offsets as needed. Returns the end offset now covered.
 * Caller holds the watermark row lock (FOR UPDATE, or the append's UPDATE).
 */
export async function ensureSegments(tx: Queryable, partitionId: number, upTo: number, capacity: number): Promise<number> {
  const [row] = await tx.query<{ end: number | null }>(
    `SELECT max(end_offset) AS "end" FROM log_segments WHERE partition_id = $1`,
    [partitionId],
    {
      name: 'segments.covered',
    },
  );
  const known = row?.end ?? null;
  if (known !== null && known >= upTo) return known;
  if (known === null) await ensurePartitionTable(tx, partitionId);
  let end: number = known ?? 0;
  while (end < upTo) {
    const next = end + Math.max(1, capacity);
    await createSegment(tx, partitionId, end, next);
    end = next;
  }
  return end;
}

/**
 * Per-process knowledge of how far each partition's segments reach (only ever moves forward), and of
 * the last high watermark this process saw. It only decides whether an append can skip checking for
 * segments; an append that finds one missing falls back to the path that creates it.
 */
export class SegmentCoverage {
  private readonly ends = new Map<number, number>();
  private readonly highWatermarks = new Map<number, number>();

  covers(partitionId: number, upTo: number): boolean {
    return (this.ends.get(partitionId) ?? 0) >= upTo;
  }

  /** Whether appending `n` records right after the last high watermark seen lands in known segments. */
  likelyCovers(partitionId: number, n: number): boolean {
    const hw = this.highWatermarks.get(partitionId);
    return hw !== undefined && this.covers(partitionId, hw + n);
  }

  record(partitionId: number, end: number): void {
    if (end > (this.ends.get(partitionId) ?? 0)) this.ends.set(partitionId, end);
  }

  sawHighWatermark(partitionId: number, highWatermark: number): void {
    if (highWatermark > (this.highWatermarks.get(partitionId) ?? -1)) this.highWatermarks.set(partitionId, highWatermark);
  }

  forget(partitionId: number): void {
    this.ends.delete(partitionId);
    this.highWatermarks.delete(partitionId);
  }
}

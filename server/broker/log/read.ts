import type { Queryable } from '@/db/client';
import { sqlState, UNDEFINED_TABLE } from '../errors';
import { must } from '../invariant';
import { partitionTable, UNPREPARED } from './segments';

export interface StoredRecord {
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  /** Encoded headers (record-codec's decodeHeaders turns them into a list). */
  headers: Uint8Array | null;
}

export interface LogSlice {
  records: StoredRecord[];
  logStartOffset: number;
  highWatermark: number;
}

/** The first row carries the watermarks (offset -1); the rest are records. One statement, one snapshot. */
interface SliceRow {
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Uint8Array | null;
  hw: number | null;
}

const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * Reads up to `limit` records at or after `offset`, in offset order, together with the watermarks.
 * The records part walks the (partition_id, offset) key of the partition's segments. When the log is
 * `dense` (not compacted: every offset below the high watermark holds a record), the range is also
 * bounded above by offset + limit, so the plan never depends on table statistics. Returns null if the
 * partition does not exist.
 */
export async function readLog(
  db: Queryable,
  partitionId: number,
  offset: number,
  limit: number,
  { dense = true }: { dense?: boolean } = {},
): Promise<LogSlice | null> {
  let rows: SliceRow[];
  try {
    rows = await db.query<SliceRow>(
      `SELECT -1::bigint AS "offset", log_start_offset AS "timestamp", NULL::bytea AS key, NULL::bytea AS value,
              NULL::bytea AS headers, high_watermark AS hw
         FROM topic_partitions WHERE id = $1
       UNION ALL
       (SELECT "offset", "timestamp", key, value, headers, NULL FROM ${partitionTable(partitionId)}
         WHERE partition_id = $1 AND "offset" >= $2 AND "offset" < $4
         ORDER BY "offset" LIMIT $3)`,
      [partitionId, offset, limit, dense ? offset + limit : NO_UPPER_BOUND],
      // Prepared although the text names the partition's table: this is the consumer's hot path (half
      // the time of an unprepared read), and postgres.js recycles connections (max_lifetime), which
      // bounds the statements a connection keeps to the partitions it read in its lifetime.
      { prepare: true, name: 'fetch.read' },
    );
  } catch (err) {
    if (sqlState(err) !== UNDEFINED_TABLE) throw err;
    // The partition's log table is not there: never written to yet, or its topic is being deleted.
    rows = await db.query<SliceRow>(
      `SELECT -1::bigint AS "offset", log_start_offset AS "timestamp", high_watermark AS hw FROM topic_partitions WHERE id = $1`,
      [partitionId],
      { name: 'fetch.watermark' },
    );
  }
  const marks = rows.find((r) => r.offset === -1);
  if (!marks) return null;
  const records: StoredRecord[] = [];
  for (const r of rows) if (r.offset >= 0) records.push(r);
  return {
    records,
    logStartOffset: marks.timestamp,
    highWatermark: must(marks.hw, 'the watermark row (offset -1) carries the high watermark'),
  };
}

export async function readWatermarks(
  db: Queryable,
  partitionId: number,
): Promise<{ logStartOffset: number; highWatermark: number } | null> {
  const [row] = await db.query<{ log_start_offset: number; high_watermark: number }>(
    `SELECT log_start_offset, high_watermark FROM topic_partitions WHERE id = $1`,
    [partitionId],
    { name: 'watermark' },
  );
  return row ? { logStartOffset: row.log_start_offset, highWatermark: row.high_watermark } : null;
}

/**
 * Kafka's ListOffsets by timestamp: the first offset whose timestamp is >= `timestamp`, or null.
 * Sealed segments carry their largest timestamp (the time index), so only the first segment that can
 * hold a match is scanned, plus the active one if none of the sealed ones can.
 */
export async function offsetForTimestamp(
  db: Queryable,
  partitionId: number,
  timestamp: number,
): Promise<{ offset: number; timestamp: number } | null> {
  const segments = await db.query<{ base_offset: number; end_offset: number; max_timestamp: number | null }>(
    `SELECT s.base_offset, s.end_offset, s.max_timestamp
       FROM log_segments s JOIN topic_partitions w ON w.id = s.partition_id
      WHERE s.partition_id = $1 AND s.end_offset > w.log_start_offset AND s.base_offset < w.high_watermark
      ORDER BY s.base_offset`,
    [partitionId],
    { name: 'offset_for_timestamp.segments' },
  );
  for (const s of segments) {
    if (s.max_timestamp !== null && s.max_timestamp < timestamp) continue; // nothing new enough in here
    try {
      const [hit] = await db.query<{ offset: number; timestamp: number }>(
        `SELECT r."offset", r."timestamp" FROM ${partitionTable(partitionId)} r, topic_partitions w
          WHERE w.id = $1 AND r.partition_id = $1 AND r."offset" >= GREATEST($2::bigint, w.log_start_offset) AND r."offset" < $3
            AND r."timestamp" >= $4
          ORDER BY r."offset" LIMIT 1`,
        [partitionId, s.base_offset, s.end_offset, timestamp],
        { ...UNPREPARED, name: 'offset_for_timestamp.scan' },
      );
      if (hit) return hit;
    } catch (err) {
      if (sqlState(err) === UNDEFINED_TABLE) return null;
      throw err;
    }
  }
  return null;
}

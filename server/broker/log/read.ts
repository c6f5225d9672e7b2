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

/**
 * A record with key and value as base64 text made by the database (`form: 'base64'`): what the HTTP
 * API answers with `encoding: "base64"`. Postgres encodes on its own CPU and sends 4/3 of the bytes
 * instead of bytea's hex (2x), and Node builds no Buffers for them.
 */
export interface Base64Record {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  /** Encoded headers, as in StoredRecord. */
  headers: Uint8Array | null;
  /** Stored bytes of key, value and headers (recordBytes of the bytes form). */
  size: number;
}

/** How a read returns keys and values: bytes, or base64 text encoded by the database. */
export type RecordForm = 'bytes' | 'base64';
export type RecordOf<F extends RecordForm> = F extends 'base64' ? Base64Record : StoredRecord;

/** Stored bytes of a record in either form (fetch's maxBytes, metrics). */
export const storedSize = (r: StoredRecord | Base64Record): number =>
  'size' in r ? r.size : (r.key?.length ?? 0) + (r.value?.length ?? 0) + (r.headers?.length ?? 0);

export interface LogSlice<R = StoredRecord> {
  records: R[];
  logStartOffset: number;
  highWatermark: number;
}

/** The first row carries the watermarks (offset -1); the rest are records. One statement, one snapshot. */
type SliceRow<R> = R & { hw: number | null };

/**
 * The record columns of a read in each form, with the watermark row's matching NULLs. Base64 from
 * encode() is wrapped every 76 characters; without the newlines it is exactly Node's base64.
 */
const FORMS: Record<RecordForm, { columns: string; marks: string; name: string }> = {
  bytes: { columns: 'key, value, headers', marks: 'NULL::bytea AS key, NULL::bytea AS value, NULL::bytea AS headers', name: 'fetch.read' },
  base64: {
    columns: `translate(encode(key, 'base64'), E'\\n', '') AS key, translate(encode(value, 'base64'), E'\\n', '') AS value, headers,
              coalesce(octet_length(key), 0) + coalesce(octet_length(value), 0) + coalesce(octet_length(headers), 0) AS size`,
    marks: 'NULL::text AS key, NULL::text AS value, NULL::bytea AS headers, NULL::int AS size',
    name: 'fetch.read.base64',
  },
};

const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * Reads up to `limit` records at or after `offset`, in offset order, together with the watermarks.
 * The records part walks the (partition_id, offset) key of the partition's segments. When the log is
 * `dense` (not compacted: every offset below the high watermark holds a record), the range is also
 * bounded above by offset + limit, so the plan never depends on table statistics. Returns null if the
 * partition does not exist.
 */
export async function readLog<F extends RecordForm = 'bytes'>(
  db: Queryable,
  partitionId: number,
  offset: number,
  limit: number,
  { dense = true, form }: { dense?: boolean; form?: F } = {},
): Promise<LogSlice<RecordOf<F>> | null> {
  const f = FORMS[form ?? 'bytes'];
  let rows: SliceRow<RecordOf<F>>[];
  try {
    rows = await db.query<SliceRow<RecordOf<F>>>(
      `SELECT -1::bigint AS "offset", log_start_offset AS "timestamp", ${f.marks}, high_watermark AS hw
         FROM topic_partitions WHERE id = $1
       UNION ALL
       (SELECT "offset", "timestamp", ${f.columns}, NULL FROM ${partitionTable(partitionId)}
         WHERE partition_id = $1 AND "offset" >= $2 AND "offset" < $4
         ORDER BY "offset" LIMIT $3)`,
      [partitionId, offset, limit, dense ? offset + limit : NO_UPPER_BOUND],
      // Prepared although the text names the partition's table: this is the consumer's hot path (half
      // the time of an unprepared read), and postgres.js recycles connections (max_lifetime), which
      // bounds the statements a connection keeps to the partitions it read in its lifetime.
      { prepare: true, name: f.name },
    );
  } catch (err) {
    if (sqlState(err) !== UNDEFINED_TABLE) throw err;
    // The partition's log table is not there: never written to yet, or its topic is being deleted.
    rows = await db.query<SliceRow<RecordOf<F>>>(
      `SELECT -1::bigint AS "offset", log_start_offset AS "timestamp", high_watermark AS hw FROM topic_partitions WHERE id = $1`,
      [partitionId],
      { name: 'fetch.watermark' },
    );
  }
  const marks = rows.find((r) => r.offset === -1);
  if (!marks) return null;
  const records: RecordOf<F>[] = [];
  for (const r of rows) if (r.offset >= 0) records.push(r);
  return {
    records,
    logStartOffset: (marks as { timestamp: number }).timestamp,
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

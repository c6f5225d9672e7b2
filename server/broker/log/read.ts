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

/** One partition of a read: records at or after `offset`, at most `maxRecords`, cut at `maxBytes`. */
export interface PartitionRead {
  partitionId: number;
  offset: number;
  maxRecords: number;
  /** Stored bytes (key + value + headers); the first record is returned even if it alone is larger. */
  maxBytes: number;
  /** Not compacted: every offset below the high watermark holds a record. */
  dense: boolean;
}

/** Rows `i = -1 - n` carry partition n's watermarks; the others are records of partition `i`. */
type ReadRow<R> = R & { i: number; hw: number | null };

/**
 * The record columns in each form. Base64 from encode() is wrapped every 76 characters; without the
 * newlines it is exactly Node's base64. Only rows that are answered are encoded (the outermost SELECT).
 */
const FORMS: Record<RecordForm, { columns: string; marks: string; name: string }> = {
  bytes: { columns: 'key, value, headers', marks: 'NULL::bytea AS key, NULL::bytea AS value, NULL::bytea AS headers', name: 'fetch.read' },
  base64: {
    columns: `translate(encode(key, 'base64'), E'\\n', '') AS key, translate(encode(value, 'base64'), E'\\n', '') AS value, headers, size`,
    marks: 'NULL::text AS key, NULL::text AS value, NULL::bytea AS headers, NULL::bigint AS size',
    name: 'fetch.read.base64',
  },
};

const SIZE = 'coalesce(octet_length(key), 0) + coalesce(octet_length(value), 0) + coalesce(octet_length(headers), 0)';
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;
/** Parameters per partition: id, offset, upper bound, limit, max bytes. */
const PER_PARTITION = 5;

/**
 * Partition n's records: its log table's (partition_id, offset) key walked from the offset, at most the
 * limit, with a running sum of stored sizes (`run`) to cut at the byte limit. The running sum (a ROWS
 * frame) is computed as rows are pulled, so the LIMIT still stops the scan; octet_length reads a TOASTed
 * value's size without fetching it, so rows past the cut cost their heap tuple only. Bounded above by
 * offset + limit when the log is dense, so the plan never depends on table statistics.
 */
function partitionRows(read: PartitionRead, n: number): string {
  const p = 2 + n * PER_PARTITION;
  return `SELECT ${n} AS i, "offset", "timestamp", key, value, headers, ${SIZE} AS size,
           sum(${SIZE}) OVER (ORDER BY "offset" ROWS UNBOUNDED PRECEDING) AS run
      FROM ${partitionTable(read.partitionId)}
     WHERE partition_id = $${p} AND "offset" >= $${p + 1} AND "offset" < $${p + 2}
     ORDER BY "offset" LIMIT $${p + 3}`;
}

/** A partition without a log table: no rows, its parameters still typed (Postgres requires every one used). */
function noRows(n: number): string {
  const p = 2 + n * PER_PARTITION;
  return `SELECT ${n} AS i, 0::bigint AS "offset", 0::bigint AS "timestamp", NULL::bytea AS key, NULL::bytea AS value,
          NULL::bytea AS headers, 0 AS size, 0::bigint AS run
    WHERE $${p}::int IS NULL AND $${p + 1}::bigint IS NULL AND $${p + 2}::bigint IS NULL AND $${p + 3}::bigint IS NULL
      AND $${p + 4}::bigint IS NULL`;
}

/**
 * One statement, one snapshot: every partition's watermarks and records, each partition cut where its
 * records would pass its byte limit and all of them together where they would pass `totalBytes` (in
 * partition order); the first record is always whole, as Kafka answers. `present[n]`: partition n's log table exists.
 */
function readStatement(reads: readonly PartitionRead[], present: readonly boolean[], form: RecordForm): string {
  const f = FORMS[form];
  const total = 2 + reads.length * PER_PARTITION;
  const parts = reads.map((r, n) =>
    present[n] ? `SELECT * FROM (${partitionRows(r, n)}) b WHERE run <= $${n * PER_PARTITION + 6} OR run = size` : noRows(n),
  );
  const marks =
    reads.length === 1
      ? `SELECT -1 AS i, -1::bigint AS "offset", log_start_offset AS "timestamp", ${f.marks}, high_watermark AS hw
           FROM topic_partitions WHERE id = $2 AND $1::int[] IS NOT NULL`
      : `SELECT -1 - (p.n - 1)::int AS i, -1::bigint AS "offset", t.log_start_offset AS "timestamp", ${f.marks}, t.high_watermark AS hw
           FROM unnest($1::int[]) WITH ORDINALITY AS p(id, n) JOIN topic_partitions t ON t.id = p.id`;
  const rows =
    parts.length === 1
      ? parts[0]
      : `SELECT * FROM (SELECT *, sum(size) OVER (ORDER BY i, "offset" ROWS UNBOUNDED PRECEDING) AS total
           FROM (${parts.map((q) => `(${q})`).join(' UNION ALL ')}) u) v WHERE total <= $${total} OR total = size`;
  return `${marks}
    UNION ALL
    (SELECT i, "offset", "timestamp", ${f.columns}, NULL FROM (${rows}) r)`;
}

/**
 * Reads several partitions at once with Kafka's limits: per partition at most `maxRecords` and
 * `maxBytes` (stored bytes, the first record always whole), and `totalBytes` over all of them. Returns
 * each partition's slice, or null for a partition that does not exist.
 */
export async function readPartitions<F extends RecordForm = 'bytes'>(
  db: Queryable,
  reads: readonly PartitionRead[],
  totalBytes: number,
  form?: F,
): Promise<Array<LogSlice<RecordOf<F>> | null>> {
  if (reads.length === 0) return [];
  const params: unknown[] = [reads.map((r) => r.partitionId)];
  for (const r of reads) {
    const upper = r.dense ? r.offset + r.maxRecords : NO_UPPER_BOUND;
    params.push(r.partitionId, r.offset, upper, r.maxRecords, reads.length === 1 ? Math.min(r.maxBytes, totalBytes) : r.maxBytes);
  }
  if (reads.length > 1) params.push(totalBytes);
  const f = form ?? 'bytes';
  let rows: ReadRow<RecordOf<F>>[];
  try {
    rows = await db.query<ReadRow<RecordOf<F>>>(
      readStatement(
        reads,
        reads.map(() => true),
        f,
      ),
      params,
      // One partition is the consumer's hot path: prepared although the text names the partition's table
      // (half the time of an unprepared read); the driver replaces connections after a while (max
      // lifetime), which bounds the statements a connection keeps to the partitions it read in its lifetime.
      { prepare: reads.length === 1, name: FORMS[f].name },
    );
  } catch (err) {
    if (sqlState(err) !== UNDEFINED_TABLE) throw err;
    // A partition's log table is not there: never written to yet, or its topic is being deleted.
    const present = await presentTables(db, reads);
    rows = await db.query<ReadRow<RecordOf<F>>>(readStatement(reads, present, f), params, { prepare: false, name: FORMS[f].name });
  }
  // Watermark rows first, then records, whatever order the rows came in. A partition without a
  // watermark row does not exist (its topic was deleted; its tables may outlive that by a moment).
  const slices: Array<LogSlice<RecordOf<F>> | null> = reads.map(() => null);
  for (const row of rows) {
    if (row.i < 0) {
      slices[-1 - row.i] = {
        records: [],
        logStartOffset: (row as { timestamp: number }).timestamp,
        highWatermark: must(row.hw, 'a watermark row carries the high watermark'),
      };
    }
  }
  for (const row of rows) if (row.i >= 0) slices[row.i]?.records.push(row);
  for (const slice of slices) if (slice && !inOffsetOrder(slice.records)) slice.records.sort((a, b) => a.offset - b.offset);
  return slices;
}

function inOffsetOrder(records: ReadonlyArray<{ offset: number }>): boolean {
  for (let i = 1; i < records.length; i++) if (records[i].offset < records[i - 1].offset) return false;
  return true;
}

async function presentTables(db: Queryable, reads: readonly PartitionRead[]): Promise<boolean[]> {
  const rows = await db.query<{ id: number }>(
    `SELECT id FROM unnest($1::int[]) AS p(id) WHERE to_regclass('records_p' || p.id) IS NOT NULL`,
    [reads.map((r) => r.partitionId)],
    { name: 'fetch.present_tables' },
  );
  const ids = new Set(rows.map((r) => r.id));
  return reads.map((r) => ids.has(r.partitionId));
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

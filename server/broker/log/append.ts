import type { Database, Queryable } from '@/db/client';
import { BrokerError, sqlState } from '../errors';
import { COPY_COLUMNS, encodeCopyRows, type PreparedRecord } from './record-codec';
import { ensureSegments, partitionTable, type SegmentCoverage } from './segments';

export interface AppendBatch {
  partitionId: number;
  records: PreparedRecord[];
  /** Payload bytes of `records` (key + value + headers). */
  bytes: number;
  /** Offsets each new segment of this partition should cover, if one has to be created. */
  segmentCapacity: number;
}

export interface AppendResult {
  partitionId: number;
  baseOffset: number;
  /** The partition's high watermark once this append committed. */
  highWatermark: number;
}

/** NOTIFY channel carrying "<partition id>:<high watermark>" once per partition per transaction. */
export const APPEND_CHANNEL = 'brook_append';

/** Postgres: no partition of relation found for row (a segment the coverage cache believed in is gone). */
const CHECK_VIOLATION = '23514';

/**
 * One transaction appends the batches, all or nothing: lock each partition's watermark row (in id
 * order, so concurrent multi-partition appends cannot deadlock), move its high watermark, write the rows
 * with one binary COPY, and let the same statement queue one NOTIFY per partition, sent at commit.
 */
export async function appendToLog(db: Database, batches: readonly AppendBatch[], coverage: SegmentCoverage): Promise<AppendResult[]> {
  try {
    return await db.transaction((tx) => appendInTransaction(tx, batches, coverage));
  } catch (err) {
    if (sqlState(err) !== CHECK_VIOLATION) throw err;
    // Our idea of which segments exist was stale: forget it and try once more (nothing was written).
    for (const b of batches) coverage.forget(b.partitionId);
    return db.transaction((tx) => appendInTransaction(tx, batches, coverage));
  }
}

async function appendInTransaction(tx: Queryable, batches: readonly AppendBatch[], coverage: SegmentCoverage): Promise<AppendResult[]> {
  const sorted = [...batches].sort((a, b) => a.partitionId - b.partitionId);
  const rows =
    sorted.length === 1
      ? await tx.query<{ id: number; high_watermark: number }>(
          `UPDATE topic_partitions SET high_watermark = high_watermark + $2, bytes = bytes + $3
            WHERE id = $1
        RETURNING id, high_watermark, pg_notify('${APPEND_CHANNEL}', id || ':' || high_watermark)::text AS notified`,
          [sorted[0].partitionId, sorted[0].records.length, sorted[0].bytes],
        )
      : await tx.query<{ id: number; high_watermark: number }>(
          `WITH locked AS (
             SELECT id FROM topic_partitions WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE
           ), inc AS (
             SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS i(id, n, bytes)
           )
           UPDATE topic_partitions tp
              SET high_watermark = tp.high_watermark + inc.n, bytes = tp.bytes + inc.bytes
             FROM inc, locked
            WHERE tp.id = inc.id AND locked.id = inc.id
        RETURNING tp.id, tp.high_watermark, pg_notify('${APPEND_CHANNEL}', tp.id || ':' || tp.high_watermark)::text AS notified`,
          [sorted.map((b) => b.partitionId), sorted.map((b) => b.records.length), sorted.map((b) => b.bytes)],
        );
  if (rows.length !== sorted.length) {
    throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', 'A partition of this request no longer exists (its topic was deleted).');
  }
  const hwById = new Map(rows.map((r) => [r.id, r.high_watermark]));
  const results = sorted.map((b) => {
    const highWatermark = hwById.get(b.partitionId)!;
    return { partitionId: b.partitionId, baseOffset: highWatermark - b.records.length, highWatermark };
  });

  for (const r of results) {
    if (coverage.covers(r.partitionId, r.highWatermark)) continue;
    const batch = sorted.find((b) => b.partitionId === r.partitionId)!;
    coverage.record(r.partitionId, await ensureSegments(tx, r.partitionId, r.highWatermark, batch.segmentCapacity));
  }

  const data = encodeCopyRows(results.map((r, i) => ({ partitionId: r.partitionId, baseOffset: r.baseOffset, records: sorted[i].records })));
  // One partition: write straight into its log table (no routing through the root, no lock on it).
  const target = sorted.length === 1 ? partitionTable(sorted[0].partitionId) : 'records';
  await tx.copyIn(target, COPY_COLUMNS, data);
  return results;
}

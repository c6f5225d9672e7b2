import type { Database, Queryable } from '@/db/client';
import { lostCommit, neverSent } from '@/db/hold';
import { databaseLost } from '@/db/transient';
import { BrokerError, sqlState, UNDEFINED_TABLE } from '../errors';
import type { ProducerFields } from '../producers/sequence';
import { COPY_COLUMNS, encodeCopyRows, type PreparedRecord } from './record-codec';
import { ensureSegments, partitionTable, type SegmentCoverage } from './segments';
import {
  ADVANCE_WATERMARK,
  ADVANCE_WATERMARKS,
  CHECK_VIOLATION,
  fitsOneStatement,
  insertAfterAdvance,
  statementFor,
  withSegmentRetry,
} from './statements';
import { appendCommitted } from './verify';

export interface AppendBatch {
  partitionId: number;
  records: PreparedRecord[];
  /** Payload bytes of `records` (key + value + headers). */
  bytes: number;
  /** Offsets each new segment of this partition should cover, if one has to be created. */
  segmentCapacity: number;
  /** An idempotent producer's batch: checked against the producer's state (producers/append-checked.ts). */
  producer?: ProducerFields;
}

export interface AppendResult {
  partitionId: number;
  baseOffset: number;
  /** The partition's high watermark once this append committed. */
  highWatermark: number;
  /** An idempotent producer's retry: `baseOffset` is where the batch was written the first time. */
  duplicate?: boolean;
  /** This batch was refused (idempotent producers: fenced or out of sequence); nothing of it was written. */
  error?: BrokerError;
}

/**
 * Appends the batches atomically and returns each partition's base offset. Offsets come from the
 * partition's watermark row, locked by the UPDATE until commit: dense, gapless, never visible out of
 * order. Each transaction queues one NOTIFY per partition (sent by Postgres at commit).
 */
export async function appendToLog(db: Database, batches: readonly AppendBatch[], coverage: SegmentCoverage): Promise<AppendResult[]> {
  if (batches.length === 1) {
    const b = batches[0];
    if (fitsOneStatement(b.records.length, b.bytes) && coverage.likelyCovers(b.partitionId, b.records.length)) {
      const done = await appendInOneStatement(db, b);
      if (done) {
        coverage.sawHighWatermark(b.partitionId, done.highWatermark);
        return [done];
      }
      // A segment was missing: what we knew of them is stale, so the full path must look them up.
      coverage.forget(b.partitionId);
    }
  }
  const byId = new Map(batches.map((b) => [b.partitionId, b]));
  const options = {
    verify: (results: AppendResult[]) =>
      appendCommitted(
        db,
        results.map((r) => ({ partitionId: r.partitionId, baseOffset: r.baseOffset, records: byId.get(r.partitionId)?.records ?? [] })),
      ),
  };
  return withSegmentRetry(
    batches.map((b) => b.partitionId),
    coverage,
    () => db.transaction((tx) => appendInTransaction(tx, batches, coverage), options),
  );
}

/** $1 partition id, $2 records, $3 bytes, then 4 parameters per record. */
const oneStatement = (n: number) =>
  statementFor('append', n, () => `WITH w AS (${ADVANCE_WATERMARK}) ${insertAfterAdvance(n, 4)} RETURNING "offset"`);

/** Returns null when a segment is missing: the statement then changed nothing, and the caller takes the full path. */
async function appendInOneStatement(db: Database, b: AppendBatch): Promise<AppendResult | null> {
  const params: unknown[] = [b.partitionId, b.records.length, b.bytes];
  for (const r of b.records) params.push(r.timestamp, r.key, r.value, r.headers);
  let rows: Array<{ offset: number }>;
  try {
    rows = await db.query<{ offset: number }>(oneStatement(b.records.length), params, { name: 'append' });
  } catch (err) {
    const state = sqlState(err);
    if (state === CHECK_VIOLATION || state === UNDEFINED_TABLE) return null;
    // The statement commits by itself: lost with its connection after it was sent, it may have committed.
    if (databaseLost(err) && !neverSent(err)) throw lostCommit(err, null);
    throw err;
  }
  if (rows.length === 0) throw partitionGone();
  // Seen once under a restart with traffic: rows that are not this statement's answer. Its outcome is then
  // unknown, as for a lost connection (the caller answers REQUEST_TIMED_OUT: "may have been written").
  if (!rows.every((r) => typeof r?.offset === 'number'))
    throw lostCommit(new Error('The append was answered with rows it did not ask for.'), null);
  let base = rows[0].offset;
  for (const r of rows) if (r.offset < base) base = r.offset;
  return { partitionId: b.partitionId, baseOffset: base, highWatermark: base + b.records.length };
}

export function partitionGone(): BrokerError {
  return new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', 'A partition of this request no longer exists (its topic was deleted).');
}

/**
 * The general path: lock each partition's watermark row (in id order, so concurrent multi-partition
 * appends cannot deadlock), create segments if needed, write every row with one binary COPY.
 */
export async function appendInTransaction(
  tx: Queryable,
  batches: readonly AppendBatch[],
  coverage: SegmentCoverage,
): Promise<AppendResult[]> {
  const sorted = [...batches].sort((a, b) => a.partitionId - b.partitionId);
  const rows =
    sorted.length === 1
      ? await tx.query<{ id: number; high_watermark: number }>(
          ADVANCE_WATERMARK,
          [sorted[0].partitionId, sorted[0].records.length, sorted[0].bytes],
          { name: 'append.watermark' },
        )
      : await tx.query<{ id: number; high_watermark: number }>(
          ADVANCE_WATERMARKS,
          [sorted.map((b) => b.partitionId), sorted.map((b) => b.records.length), sorted.map((b) => b.bytes)],
          { name: 'append.watermarks' },
        );
  if (rows.length !== sorted.length) throw partitionGone();
  const hwById = new Map(rows.map((r) => [r.id, r.high_watermark]));
  const results = sorted.map((b) => {
    const highWatermark = hwById.get(b.partitionId);
    if (highWatermark === undefined) throw partitionGone();
    return { partitionId: b.partitionId, baseOffset: highWatermark - b.records.length, highWatermark };
  });

  for (const [i, r] of results.entries()) {
    if (!coverage.covers(r.partitionId, r.highWatermark)) {
      coverage.record(r.partitionId, await ensureSegments(tx, r.partitionId, r.highWatermark, sorted[i].segmentCapacity));
    }
    coverage.sawHighWatermark(r.partitionId, r.highWatermark);
  }

  const data = encodeCopyRows(
    results.map((r, i) => ({ partitionId: r.partitionId, baseOffset: r.baseOffset, records: sorted[i].records })),
  );
  // One partition: write straight into its log table (no routing through the root, no lock on it).
  const target = sorted.length === 1 ? partitionTable(sorted[0].partitionId) : 'records';
  await tx.copyIn(target, COPY_COLUMNS, data);
  return results;
}

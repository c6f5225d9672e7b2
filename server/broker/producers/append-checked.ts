import type { Database, Queryable } from '@/db/client';
import { type AppendBatch, type AppendResult, partitionGone } from '../log/append';
import { COPY_COLUMNS_WITH_PRODUCER, type CopyBatch, encodeCopyRows } from '../log/record-codec';
import { ensureSegments, partitionTable, type SegmentCoverage } from '../log/segments';
import { ADVANCE_WATERMARK, fitsOneStatement, statementFor, withSegmentRetry } from '../log/statements';
import { appendCommitted } from '../log/verify';
import { afterAppend, checkBatch, type ProducerState } from './sequence';
import { loadProducerStates, upsertStatesParams, upsertStatesSql } from './store';

/**
 * The append transaction for batches of one partition of which some carry idempotent producer fields
 * (several when the append queue coalesced them, in arrival order). Unlike the plain path, the outcome
 * is per batch: a duplicate is answered with its first offsets and a refused batch with its error, and
 * neither is written nor keeps the other batches of the transaction from being written.
 *
 * Order of work: lock the watermark row (FOR UPDATE, first statement, so the producer state read next is
 * the latest committed by any process), check every batch in order against the state as it evolves
 * (a retry coalesced with its original is a duplicate of it), then move the watermark, write the rows
 * with their producer fields and store the states: one statement for small batches, else the watermark
 * and states in one and the rows by COPY.
 */
export async function appendChecked(
  db: Database,
  batches: readonly AppendBatch[],
  coverage: SegmentCoverage,
  now: number,
): Promise<AppendResult[]> {
  const pid = batches[0].partitionId;
  if (batches.some((b) => b.partitionId !== pid))
    throw new Error('Broken invariant: batches with producer fields are appended one partition at a time');
  // The batches written (not duplicates, not refused) are what a lost COMMIT is checked by.
  const options = {
    verify: (results: AppendResult[]) =>
      appendCommitted(
        db,
        results.flatMap((r, i) => (r.error || r.duplicate ? [] : [{ ...batches[i], baseOffset: r.baseOffset }])),
      ),
  };
  return withSegmentRetry([pid], coverage, () => db.transaction((tx) => inTransaction(tx, pid, batches, coverage, now), options));
}

/** The watermark row is locked already: $1 partition id, $2 records written, $3 bytes added. */
const WATERMARK_CTE = `w AS (${ADVANCE_WATERMARK})`;

/**
 * Watermark, producer states ($4-$8) and `n` rows (8 parameters each from $9, with explicit offsets:
 * duplicates and refused batches leave holes in the request, not in the log) in one statement.
 */
const oneStatement = (n: number) =>
  statementFor('append.checked', n, () => {
    const rows = Array.from({ length: n }, (_, i) => {
      const p = 9 + i * 8;
      const types = ['bigint', 'bigint', 'bytea', 'bytea', 'bytea', 'bigint', 'smallint', 'int'];
      return `($1, ${types.map((t, j) => `$${p + j}::${t}`).join(', ')})`;
    });
    // Through the root table (partition routing), so the text does not depend on the partition. Every
    // CTE is read by the final SELECT, so none is skipped.
    return `WITH ${WATERMARK_CTE}, s AS (${upsertStatesSql(4)}), r AS (
      INSERT INTO records (partition_id, "offset", "timestamp", key, value, headers, producer_id, producer_epoch, sequence)
      VALUES ${rows.join(', ')} RETURNING 1
    ) SELECT (SELECT count(*) FROM w) AS w, (SELECT count(*) FROM s) AS s, (SELECT count(*) FROM r) AS r`;
  });

async function inTransaction(
  tx: Queryable,
  pid: number,
  batches: readonly AppendBatch[],
  coverage: SegmentCoverage,
  now: number,
): Promise<AppendResult[]> {
  const [locked] = await tx.query<{ high_watermark: number }>(
    `SELECT high_watermark FROM topic_partitions WHERE id = $1 FOR UPDATE`,
    [pid],
    {
      name: 'append.lock_watermark',
    },
  );
  if (!locked) throw partitionGone();
  const producerIds = [...new Set(batches.flatMap((b) => (b.producer ? [b.producer.producerId] : [])))];
  const stored = await loadProducerStates(tx, pid, producerIds);
  const changed = new Map<number, ProducerState>();

  let next = locked.high_watermark;
  let bytes = 0;
  const written: CopyBatch[] = [];
  const results: AppendResult[] = batches.map((b) => {
    if (b.producer) {
      const id = b.producer.producerId;
      const state = changed.get(id) ?? stored.get(id);
      const verdict = checkBatch(state, b.producer, b.records.length);
      if (verdict.kind === 'reject') return { partitionId: pid, baseOffset: -1, highWatermark: -1, error: verdict.error };
      if (verdict.kind === 'duplicate') return { partitionId: pid, baseOffset: verdict.baseOffset, highWatermark: -1, duplicate: true };
      const maxTimestamp = b.records.reduce((max, r) => Math.max(max, r.timestamp), -1);
      changed.set(id, afterAppend(state, b.producer, b.records.length, next, maxTimestamp));
    }
    written.push({ partitionId: pid, baseOffset: next, records: b.records, producer: b.producer });
    const result = { partitionId: pid, baseOffset: next, highWatermark: -1 };
    next += b.records.length;
    bytes += b.bytes;
    return result;
  });

  if (written.length > 0) {
    if (!coverage.covers(pid, next)) coverage.record(pid, await ensureSegments(tx, pid, next, batches[0].segmentCapacity));
    coverage.sawHighWatermark(pid, next);
    const records = next - locked.high_watermark;
    const head = [pid, records, bytes, ...upsertStatesParams(changed, now)];
    if (fitsOneStatement(records, bytes)) {
      // Small batches (the common case of a lingering idempotent producer): everything in one statement.
      const params = [...head];
      for (const b of written) {
        b.records.forEach((r, i) => {
          const p = b.producer;
          params.push(
            b.baseOffset + i,
            r.timestamp,
            r.key,
            r.value,
            r.headers,
            p?.producerId ?? null,
            p?.producerEpoch ?? null,
            p?.baseSequence ?? null,
          );
        });
      }
      await tx.query(oneStatement(records), params, { name: 'append.checked' });
    } else {
      await tx.query(
        `WITH ${WATERMARK_CTE}, s AS (${upsertStatesSql(4)}) SELECT (SELECT count(*) FROM w) AS w, (SELECT count(*) FROM s) AS s`,
        head,
        {
          name: 'append.checked_watermark',
        },
      );
      await tx.copyIn(partitionTable(pid), COPY_COLUMNS_WITH_PRODUCER, encodeCopyRows(written, true));
    }
  }
  for (const r of results) if (!r.error) r.highWatermark = next;
  return results;
}

import type { Database, Queryable } from '@/db/client';
import { sqlState } from '../errors';
import { APPEND_CHANNEL, type AppendBatch, type AppendResult, CHECK_VIOLATION, partitionGone } from '../log/append';
import { COPY_COLUMNS_WITH_PRODUCER, type CopyBatch, encodeCopyRows } from '../log/record-codec';
import { ensureSegments, partitionTable, type SegmentCoverage } from '../log/segments';
import { afterAppend, checkBatch, type ProducerState } from './sequence';
import { loadProducerStates, saveProducerStates } from './store';

/**
 * The append transaction for batches of one partition of which some carry idempotent producer fields
 * (several when the append queue coalesced them, in arrival order). Unlike the plain path, the outcome
 * is per batch: a duplicate is answered with its first offsets and a refused batch with its error, and
 * neither is written nor keeps the other batches of the transaction from being written.
 *
 * Order of work: lock the watermark row (FOR UPDATE, first statement, so the producer state read next is
 * the latest committed by any process), check every batch in order against the state as it evolves
 * (a retry coalesced with its original is a duplicate of it), then move the watermark, write the rows
 * with their producer fields in one COPY, and store the states.
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
  try {
    return await db.transaction((tx) => inTransaction(tx, pid, batches, coverage, now));
  } catch (err) {
    if (sqlState(err) !== CHECK_VIOLATION) throw err;
    // Our idea of which segments exist was stale: forget it and try once more (nothing was written).
    coverage.forget(pid);
    return db.transaction((tx) => inTransaction(tx, pid, batches, coverage, now));
  }
}

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
    await tx.query(
      `UPDATE topic_partitions SET high_watermark = $2, bytes = bytes + $3 WHERE id = $1
       RETURNING pg_notify('${APPEND_CHANNEL}', id || ':' || high_watermark)::text AS notified`,
      [pid, next, bytes],
      { name: 'append.set_watermark' },
    );
    if (!coverage.covers(pid, next)) coverage.record(pid, await ensureSegments(tx, pid, next, batches[0].segmentCapacity));
    coverage.sawHighWatermark(pid, next);
    await tx.copyIn(partitionTable(pid), COPY_COLUMNS_WITH_PRODUCER, encodeCopyRows(written, true));
    await saveProducerStates(tx, pid, changed, now);
  }
  for (const r of results) if (!r.error) r.highWatermark = next;
  return results;
}

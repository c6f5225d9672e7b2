import type { Database } from '@/db/client';
import { type AppendBatch, type AppendResult, appendWith } from '../log/append';
import type { SegmentCoverage } from '../log/segments';
import { afterAppend, checkBatch, type ProducerState } from './sequence';
import { loadProducerStates, upsertStatesParams, upsertStatesSql } from './store';

/**
 * Appends batches of one partition of which some carry idempotent producer fields (several when the
 * append queue coalesced them, in arrival order), through the append pipeline with the producer-sequence
 * step. Unlike the plain path, the outcome is per batch: a duplicate is answered with its first offsets
 * and a refused batch with its error, and neither is written nor keeps the other batches from being written.
 *
 * The step locks the watermark row first (so the producer state read next is the latest committed by any
 * process), checks every batch in order against the state as it evolves (a retry coalesced with its
 * original is a duplicate of it), and stores the changed states with the rows.
 */
export function appendChecked(
  db: Database,
  batches: readonly AppendBatch[],
  coverage: SegmentCoverage,
  now: number,
): Promise<AppendResult[]> {
  const pid = batches[0].partitionId;
  if (batches.some((b) => b.partitionId !== pid))
    throw new Error('Broken invariant: batches with producer fields are appended one partition at a time');
  // Per attempt (the pipeline may run the step twice): each batch's verdict and the states it leaves.
  let verdicts: AppendResult[] = [];
  let changed = new Map<number, ProducerState>();
  return appendWith(db, coverage, {
    partitionIds: [pid],
    async check(tx, lock) {
      let next = await lock(pid);
      const producerIds = [...new Set(batches.flatMap((b) => (b.producer ? [b.producer.producerId] : [])))];
      const stored = await loadProducerStates(tx, pid, producerIds);
      changed = new Map();
      verdicts = batches.map((b) => {
        if (b.producer) {
          const id = b.producer.producerId;
          const state = changed.get(id) ?? stored.get(id);
          const verdict = checkBatch(state, b.producer, b.records.length);
          if (verdict.kind === 'reject') return { partitionId: pid, baseOffset: -1, highWatermark: -1, error: verdict.error };
          if (verdict.kind === 'duplicate') return { partitionId: pid, baseOffset: verdict.baseOffset, highWatermark: -1, duplicate: true };
          const maxTimestamp = b.records.reduce((max, r) => Math.max(max, r.timestamp), -1);
          changed.set(id, afterAppend(state, b.producer, b.records.length, next, maxTimestamp));
        }
        const written = { partitionId: pid, baseOffset: next, highWatermark: -1 };
        next += b.records.length;
        return written;
      });
      return batches.filter((_, i) => !verdicts[i].error && !verdicts[i].duplicate);
    },
    along: () =>
      changed.size === 0
        ? null
        : { kind: 'producers', sql: (first) => upsertStatesSql(first), params: upsertStatesParams(pid, changed, now) },
    answer(_placed, hws) {
      const hw = hws.get(pid) ?? -1;
      for (const v of verdicts) if (!v.error && !v.duplicate) v.highWatermark = hw;
      return verdicts;
    },
  });
}

import { isBrokerError } from './errors';
import type { FetchDeps } from './fetch';
import { fetchMany, resolvePartition } from './fetch';
import { readWatermarks, type StoredRecord } from './log/read';
import { unknownPartition } from './topics/metadata';

export interface TailedRecord extends StoredRecord {
  partition: number;
}

const TAIL_RECORDS = 500;
const TAIL_WAIT_MS = 15_000;

/**
 * Follows several partitions of a topic at once (the console's live tail): yields records as they are
 * committed, from the given offsets (default: each partition's high watermark now). Each round is one
 * fetch of all the partitions, which long-polls until any of them moves, so one stream serves a topic.
 */
export async function* tailTopic(
  deps: FetchDeps,
  topic: string,
  partitions: number[] | null | undefined,
  from: Record<number, number> | null | undefined,
  signal: AbortSignal,
): AsyncGenerator<{ records: TailedRecord[]; positions: Record<number, number> }> {
  const meta = await deps.topics.get(topic);
  const list = partitions?.length ? [...new Set(partitions)] : meta.partitionIds.map((_, p) => p);
  const cursors = new Map<number, { pid: number; offset: number }>();
  for (const p of list) {
    const { partitionId } = await resolvePartition(deps.topics, topic, p);
    const marks = await readWatermarks(deps.db, partitionId);
    if (!marks) throw unknownPartition(meta, p);
    cursors.set(p, {
      pid: partitionId,
      offset: Math.min(Math.max(from?.[p] ?? marks.highWatermark, marks.logStartOffset), marks.highWatermark),
    });
  }
  // The stream ends at shutdown too (the process's drain must not wait for the client to go).
  const stop = AbortSignal.any([signal, deps.wakeup.closingSignal]);
  while (!stop.aborted) {
    const order = [...cursors];
    const outcomes = await fetchMany(deps, {
      partitions: order.map(([partition, c]) => ({ topic, partition, offset: c.offset })),
      maxRecords: TAIL_RECORDS,
      maxWaitMs: TAIL_WAIT_MS,
      signal: stop,
    });
    const batch: TailedRecord[] = [];
    for (const [i, o] of outcomes.entries()) {
      const [partition, c] = order[i];
      if ('error' in o) {
        if (!isBrokerError(o.error, 'OFFSET_OUT_OF_RANGE')) throw o.error;
        // Retention passed the cursor: go on from the log start.
        const marks = await readWatermarks(deps.db, c.pid);
        if (!marks) throw unknownPartition(meta, partition);
        c.offset = Math.min(Math.max(c.offset, marks.logStartOffset), marks.highWatermark);
        continue;
      }
      for (const r of o.ok.records) batch.push({ ...r, partition });
      if (o.ok.records.length) c.offset = o.ok.records[o.ok.records.length - 1].offset + 1;
    }
    if (batch.length > 0) {
      batch.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset);
      yield { records: batch, positions: Object.fromEntries([...cursors].map(([p, c]) => [p, c.offset])) };
    }
  }
}

import type { FetchDeps } from './fetch';
import { resolvePartition } from './fetch';
import { readLog, readWatermarks, type StoredRecord } from './log/read';
import { unknownPartition } from './topics/metadata';

export interface TailedRecord extends StoredRecord {
  partition: number;
}

/**
 * Follows several partitions of a topic at once (the console's live tail): yields records as they are
 * committed, from the given offsets (default: each partition's high watermark now). Between batches it
 * waits for whichever partition moves first (one wake-up source for all), so one stream serves a topic.
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
  const dense = !meta.config.cleanupPolicy.compact;
  // The stream ends at shutdown too (the process's drain must not wait for the client to go).
  while (!signal.aborted && !deps.wakeup.closingSignal.aborted) {
    const batch: TailedRecord[] = [];
    for (const [partition, c] of cursors) {
      const slice = await readLog(deps.db, c.pid, c.offset, 500, { dense });
      if (!slice) throw unknownPartition(meta, partition);
      if (c.offset < slice.logStartOffset) c.offset = slice.logStartOffset; // retention passed us
      for (const r of slice.records) batch.push({ ...r, partition });
      if (slice.records.length) c.offset = slice.records[slice.records.length - 1].offset + 1;
    }
    if (batch.length > 0) {
      batch.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset);
      yield { records: batch, positions: Object.fromEntries([...cursors].map(([p, c]) => [p, c.offset])) };
      continue;
    }
    // Nothing new anywhere: wait until any partition passes its cursor (or 15 s, or the end).
    await deps.wakeup.waitForAny(
      [...cursors.values()].map((c) => ({ partitionId: c.pid, offset: c.offset })),
      15_000,
      signal,
    );
  }
}

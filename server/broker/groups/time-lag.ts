import type { Queryable } from '@/db/client';
import { sqlState, UNDEFINED_TABLE } from '../errors';
import { partitionTable, UNPREPARED } from '../log/segments';
import type { GroupLag } from './lag';
import { estimateLagSeconds, needsRecordTime, type WatermarkPoint } from './lag-seconds';
import { tpKey } from './types';

/** Window of high-watermark samples used to place committed offsets in time. */
export const LAG_SECONDS_WINDOW_MS = 30 * 60_000;

/**
 * Fills `lagSeconds` of every partition: from the recent high-watermark samples of its topics, and, for
 * a committed offset older than all of them, from the timestamp of the next record the group will read.
 */
export async function attachLagSeconds(db: Queryable, lags: Iterable<GroupLag>, now: number): Promise<void> {
  const all = [...lags].flatMap((l) => l.partitions);
  const topics = [...new Set(all.map((p) => p.topic))];
  if (topics.length === 0) return;
  const rows = await db.query<{ topic: string; partition: number; sampled_at: number; high_watermark: number }>(
    `SELECT DISTINCT topic, partition, sampled_at, high_watermark FROM lag_samples
      WHERE sampled_at >= $1 AND sampled_at <= $2 AND topic = ANY($3::text[]) ORDER BY sampled_at`,
    [now - LAG_SECONDS_WINDOW_MS, now, topics],
  );
  const series = new Map<string, WatermarkPoint[]>();
  for (const r of rows) {
    const k = tpKey(r.topic, r.partition);
    const list = series.get(k) ?? [];
    if (list[list.length - 1]?.at !== r.sampled_at) list.push({ at: r.sampled_at, highWatermark: r.high_watermark });
    series.set(k, list);
  }
  const lookups = all.flatMap((p) =>
    p.committedOffset !== null && needsRecordTime(series.get(tpKey(p.topic, p.partition)) ?? [], p.committedOffset, p.logEndOffset)
      ? [{ topic: p.topic, partition: p.partition, offset: p.committedOffset }]
      : [],
  );
  const recordAt = await nextRecordTimestamps(db, lookups);
  for (const p of all) {
    const k = tpKey(p.topic, p.partition);
    p.lagSeconds =
      p.committedOffset === null
        ? null
        : estimateLagSeconds(
            series.get(k) ?? [],
            p.committedOffset,
            p.logEndOffset,
            now,
            recordAt.get(`${k}@${p.committedOffset}`) ?? null,
          );
  }
}

/**
 * The timestamp of the first record at or after each offset (compaction may have removed the one at the
 * offset itself), keyed "topic:partition@offset". One index probe per partition.
 */
export async function nextRecordTimestamps(
  db: Queryable,
  wanted: ReadonlyArray<{ topic: string; partition: number; offset: number }>,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (wanted.length === 0) return out;
  const ids = await db.query<{ topic: string; partition: number; id: number }>(
    `SELECT t.name AS topic, tp.partition, tp.id FROM topics t JOIN topic_partitions tp ON tp.topic_id = t.id WHERE t.name = ANY($1::text[])`,
    [[...new Set(wanted.map((w) => w.topic))]],
  );
  const idOf = new Map(ids.map((r) => [tpKey(r.topic, r.partition), r.id]));
  for (const w of wanted) {
    const id = idOf.get(tpKey(w.topic, w.partition));
    if (id === undefined) continue;
    try {
      const [row] = await db.query<{ timestamp: number }>(
        `SELECT "timestamp" FROM ${partitionTable(id)} WHERE partition_id = $1 AND "offset" >= $2 ORDER BY "offset" LIMIT 1`,
        [id, w.offset],
        UNPREPARED,
      );
      if (row) out.set(`${tpKey(w.topic, w.partition)}@${w.offset}`, row.timestamp);
    } catch (err) {
      if (sqlState(err) !== UNDEFINED_TABLE) throw err; // never written to, or being deleted
    }
  }
  return out;
}

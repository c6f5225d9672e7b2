import type { Queryable } from '@/db/client';
import { tpKey } from './types';

/**
 * Lag over time, read from `lag_samples` (written by stats/sampler.ts on a fixed interval, in hourly
 * partitions dropped whole after the retention): the series, rates and time to clear.
 */
export interface LagPoint {
  at: number;
  totalLag: number;
  /** "topic:partition" → lag */
  partitions: Record<string, number>;
}

export interface PartitionRate {
  topic: string;
  partition: number;
  lag: number;
  /** Records per second the group consumed (committed offset advance) over the recent window. */
  consumeRate: number;
  /** Records per second produced to the partition (high watermark advance) over the same window. */
  produceRate: number;
  /** At the recent rates, how long until the lag is gone; null if it is not shrinking. 0 if none. */
  timeToClearMs: number | null;
}

export interface LagHistory {
  points: LagPoint[];
  partitions: PartitionRate[];
  consumeRate: number;
  produceRate: number;
  /** The slowest partition's time to clear (the group is caught up when its last partition is). */
  timeToClearMs: number | null;
  intervalMs: number;
}

interface SampleRow {
  sampled_at: number;
  topic: string;
  partition: number;
  committed_offset: number;
  high_watermark: number;
  lag: number;
}

/** Rates are measured over this recent stretch of samples. */
export const RATE_WINDOW_MS = 5 * 60_000;

export async function lagHistory(db: Queryable, groupId: string, since: number, now: number, intervalMs: number): Promise<LagHistory> {
  const rows = await db.query<SampleRow>(
    `SELECT sampled_at, topic, partition, committed_offset, high_watermark, lag FROM lag_samples
      WHERE group_id = $1 AND sampled_at >= $2 AND sampled_at <= $3 ORDER BY sampled_at`,
    [groupId, Math.min(since, now - RATE_WINDOW_MS), now],
  );
  const points: LagPoint[] = [];
  const series = new Map<string, SampleRow[]>();
  for (const r of rows) {
    const key = tpKey(r.topic, r.partition);
    const list = series.get(key) ?? [];
    list.push(r);
    series.set(key, list);
    if (r.sampled_at < since) continue;
    let point = points[points.length - 1];
    if (!point || point.at !== r.sampled_at) points.push((point = { at: r.sampled_at, totalLag: 0, partitions: {} }));
    point.partitions[key] = r.lag;
    point.totalLag += r.lag;
  }
  const partitions = [...series.values()].map((list) => ratesOf(list, now)).sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  const consumeRate = partitions.reduce((n, p) => n + p.consumeRate, 0);
  const produceRate = partitions.reduce((n, p) => n + p.produceRate, 0);
  const clear = partitions.map((p) => p.timeToClearMs);
  const timeToClearMs = clear.some((t) => t === null) ? null : Math.max(0, ...(clear as number[]));
  return { points, partitions, consumeRate, produceRate, timeToClearMs, intervalMs };
}

/** Rates from the first and last samples of the recent window (a straight line through them). */
export function ratesOf(list: readonly SampleRow[], now: number): PartitionRate {
  const last = list[list.length - 1];
  const recent = list.filter((r) => r.sampled_at >= now - RATE_WINDOW_MS);
  const first = recent.length > 1 ? recent[0] : list.length > 1 ? list[list.length - 2] : last;
  const seconds = (last.sampled_at - first.sampled_at) / 1000;
  const consumeRate = seconds > 0 ? Math.max(0, (last.committed_offset - first.committed_offset) / seconds) : 0;
  const produceRate = seconds > 0 ? Math.max(0, (last.high_watermark - first.high_watermark) / seconds) : 0;
  const drain = consumeRate - produceRate;
  return {
    topic: last.topic,
    partition: last.partition,
    lag: last.lag,
    consumeRate,
    produceRate,
    timeToClearMs: last.lag === 0 ? 0 : drain > 0 ? Math.round((last.lag / drain) * 1000) : null,
  };
}

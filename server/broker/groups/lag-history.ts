import type { Queryable } from '@/db/client';
import { compareTopicPartitions, tpKey } from '@/server/kernel/topic-partition';
import type { PartitionLag } from './lag';

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

/**
 * Where a partition's lag is going. `stopped`: nobody consumes it (no member owns it and it has no
 * recent commit, or Burrow says STOP), so it never clears; `unknown`: fewer than two recent samples.
 */
export type LagProgress = 'caught-up' | 'clearing' | 'not-shrinking' | 'stopped' | 'unknown';

export interface PartitionRate {
  topic: string;
  partition: number;
  /** The lag now (not at the last sample). */
  lag: number | null;
  /** Records per second the group consumed (committed offset advance) over the recent window; 0 once stopped. */
  consumeRate: number | null;
  /** Records per second produced to the partition (high watermark advance) over the same window. */
  produceRate: number | null;
  /** At the recent rates, how long until the lag is gone: only while `clearing` (0 when caught up). */
  timeToClearMs: number | null;
  progress: LagProgress;
}

export interface LagHistory {
  points: LagPoint[];
  partitions: PartitionRate[];
  consumeRate: number | null;
  produceRate: number | null;
  /** The slowest partition's time to clear (the group is caught up when its last partition is). */
  timeToClearMs: number | null;
  /** See groupProgress. */
  progress: LagProgress;
  intervalMs: number;
}

export interface RateSample {
  sampled_at: number;
  committed_offset: number;
  high_watermark: number;
  lag: number;
}

interface SampleRow extends RateSample {
  topic: string;
  partition: number;
}

/** The partition as it is now (from lag.ts), which the samples alone cannot tell. */
export type PartitionNow = Pick<PartitionLag, 'topic' | 'partition' | 'lag' | 'memberId' | 'lastCommitAt' | 'status'>;

/** Rates are measured over this recent stretch of samples. */
export const RATE_WINDOW_MS = 5 * 60_000;

export async function lagHistory(
  db: Queryable,
  groupId: string,
  current: readonly PartitionNow[],
  { since, ...ctx }: RateContext & { since: number },
): Promise<LagHistory> {
  const { now, intervalMs } = ctx;
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
    if (!point || point.at !== r.sampled_at) {
      point = { at: r.sampled_at, totalLag: 0, partitions: {} };
      points.push(point);
    }
    point.partitions[key] = r.lag;
    point.totalLag += r.lag;
  }
  const partitions = current.map((p) => partitionRate(series.get(tpKey(p.topic, p.partition)) ?? [], p, ctx));
  return { points, ...summariseRates(partitions), intervalMs };
}

/**
 * A partition nobody consumes: Burrow's STOP, or no member owns it and it has no commit since the group's
 * last member left, nor in the last two sample intervals (a standalone consumer commits without being a
 * member).
 */
export function isStopped(p: PartitionNow, { now, intervalMs, emptySince = null }: RateContext): boolean {
  if (p.status === 'STOP') return true;
  if (p.memberId !== null) return false;
  if (p.lastCommitAt === null) return true;
  if (emptySince !== null && p.lastCommitAt <= emptySince) return true; // nothing since the last member left
  return now - p.lastCommitAt > 2 * intervalMs;
}

export interface RateContext {
  now: number;
  /** The sampling interval. */
  intervalMs: number;
  /** Since when the group has had no members (GroupState.emptySince). */
  emptySince?: number | null;
}

/**
 * Rates from the first and last samples inside the recent window (a straight line through measured
 * points, never carried past them); the lag and whether anyone consumes are taken as they are now.
 */
export function partitionRate(samples: readonly RateSample[], p: PartitionNow, ctx: RateContext): PartitionRate {
  const now = ctx.now;
  const recent = samples.filter((r) => r.sampled_at >= now - RATE_WINDOW_MS && r.sampled_at <= now);
  const [first, last] = [recent[0], recent[recent.length - 1]];
  const seconds = recent.length > 1 ? (last.sampled_at - first.sampled_at) / 1000 : 0;
  const measured = seconds > 0;
  const stopped = isStopped(p, ctx);
  const produceRate = measured ? Math.max(0, (last.high_watermark - first.high_watermark) / seconds) : null;
  const consumeRate = stopped ? 0 : measured ? Math.max(0, (last.committed_offset - first.committed_offset) / seconds) : null;
  const base = { topic: p.topic, partition: p.partition, lag: p.lag, consumeRate, produceRate };
  if (p.lag === 0) return { ...base, timeToClearMs: 0, progress: 'caught-up' };
  if (stopped) return { ...base, timeToClearMs: null, progress: 'stopped' };
  if (p.lag === null || consumeRate === null || produceRate === null) return { ...base, timeToClearMs: null, progress: 'unknown' };
  const drain = consumeRate - produceRate;
  if (drain <= 0) return { ...base, timeToClearMs: null, progress: 'not-shrinking' };
  return { ...base, timeToClearMs: Math.round((p.lag / drain) * 1000), progress: 'clearing' };
}

/**
 * The group's progress: caught up when no partition lags; stopped when every lagging one is; otherwise
 * never clearing if any lagging partition is stopped or not shrinking; then unknown; else clearing.
 */
export function groupProgress(partitions: readonly PartitionRate[]): LagProgress {
  const lagging = partitions.filter((p) => p.progress !== 'caught-up');
  if (lagging.length === 0) return 'caught-up';
  if (lagging.every((p) => p.progress === 'stopped')) return 'stopped';
  if (lagging.some((p) => p.progress === 'stopped' || p.progress === 'not-shrinking')) return 'not-shrinking';
  return lagging.some((p) => p.progress === 'unknown') ? 'unknown' : 'clearing';
}

export function summariseRates(partitions: PartitionRate[]): Omit<LagHistory, 'points' | 'intervalMs'> {
  const sum = (xs: Array<number | null>) => (xs.some((x) => x !== null) ? xs.reduce<number>((n, x) => n + (x ?? 0), 0) : null);
  const progress = groupProgress(partitions);
  const timeToClearMs =
    progress === 'caught-up' ? 0 : progress === 'clearing' ? Math.max(0, ...partitions.map((p) => p.timeToClearMs ?? 0)) : null;
  return {
    partitions: [...partitions].sort(compareTopicPartitions),
    consumeRate: sum(partitions.map((p) => p.consumeRate)),
    produceRate: sum(partitions.map((p) => p.produceRate)),
    timeToClearMs,
    progress,
  };
}

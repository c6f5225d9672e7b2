import type { Database, Queryable } from '@/db/client';
import { UNPREPARED } from '../log/segments';
import { tpKey } from './types';

/**
 * Lag over time: every group's lag per partition sampled on a fixed interval into `lag_samples`,
 * partitioned by hour; hours older than the retention are dropped as tables, never DELETEd.
 */
export const HOUR_MS = 3_600_000;
export const DEFAULT_LAG_RETENTION_MS = 24 * HOUR_MS;
/** Advisory lock key for "one sampler at a time" across processes ("lagsampl"). */
const SAMPLER_LOCK = 0x6c616773616d70;

const hourOf = (ms: number) => Math.floor(ms / HOUR_MS);
const hourTable = (hour: number) => {
  if (!Number.isSafeInteger(hour) || hour < 0) throw new Error(`bad hour ${hour}`);
  return `lag_samples_h${hour}`;
};

/** Creates the hour partitions for `now` and the next hour (idempotent). */
export async function ensureLagPartitions(tx: Queryable, now: number): Promise<void> {
  for (const hour of [hourOf(now), hourOf(now) + 1]) {
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${hourTable(hour)} PARTITION OF lag_samples FOR VALUES FROM (${hour * HOUR_MS}) TO (${(hour + 1) * HOUR_MS})`,
      [],
      UNPREPARED,
    );
  }
}

/**
 * Takes one sample of every committed partition's lag, at most once per `intervalMs` slot across all
 * processes (a transaction-level advisory lock and a check of the slot). Returns the rows written.
 */
export async function sampleLag(db: Database, now: number, intervalMs: number): Promise<number> {
  const slot = Math.floor(now / intervalMs) * intervalMs;
  return db.transaction(async (tx) => {
    const [lock] = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock($1) AS ok`, [SAMPLER_LOCK]);
    if (!lock.ok) return 0;
    await ensureLagPartitions(tx, slot);
    const [taken] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM lag_samples WHERE sampled_at = $1 LIMIT 1) s`, [slot]);
    if (taken.n > 0) return 0;
    const rows = await tx.query(
      `INSERT INTO lag_samples (sampled_at, group_id, topic, partition, committed_offset, high_watermark, lag)
       SELECT $1, o.group_id, o.topic, o.partition, o.committed_offset, tp.high_watermark,
              GREATEST(tp.high_watermark - o.committed_offset, 0)
         FROM group_offsets o
         JOIN topics t ON t.name = o.topic
         JOIN topic_partitions tp ON tp.topic_id = t.id AND tp.partition = o.partition
       RETURNING 1`,
      [slot],
    );
    return rows.length;
  });
}

/** Drops the hour partitions entirely older than the retention. */
export async function dropOldLagSamples(db: Database, now: number, retentionMs = DEFAULT_LAG_RETENTION_MS): Promise<number> {
  const children = await db.query<{ relname: string }>(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'lag_samples'::regclass`,
  );
  let dropped = 0;
  for (const { relname } of children) {
    const hour = Number(/^lag_samples_h(\d+)$/.exec(relname)?.[1]);
    if (!Number.isSafeInteger(hour) || (hour + 1) * HOUR_MS > now - retentionMs) continue;
    await db.query(`DROP TABLE IF EXISTS ${hourTable(hour)}`, [], UNPREPARED);
    dropped++;
  }
  return dropped;
}

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

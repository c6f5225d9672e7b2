import type { Queryable } from '@/db/client';

/**
 * Throughput over time from the samples: produce rate from the change of each topic's summed high
 * watermark, consume rate from the change of each group's summed committed offsets.
 */
export interface RatePoint {
  at: number;
  /** records/s produced (all topics, or the one asked for) since the previous sample */
  produceRate: number;
  /** records/s consumed (committed) by all groups since the previous sample */
  consumeRate: number;
}

export async function throughputHistory(db: Queryable, since: number, now: number, topic?: string | null): Promise<RatePoint[]> {
  const produced = await db.query<{ sampled_at: number; total: number }>(
    `SELECT sampled_at, sum(high_watermark_sum)::bigint AS total FROM topic_samples
      WHERE sampled_at >= $1 AND sampled_at <= $2 AND ($3::text IS NULL OR topic = $3)
      GROUP BY sampled_at ORDER BY sampled_at`,
    [since, now, topic ?? null],
  );
  const consumed = await db.query<{ sampled_at: number; total: number }>(
    `SELECT sampled_at, sum(committed_offset)::bigint AS total FROM lag_samples
      WHERE sampled_at >= $1 AND sampled_at <= $2 AND ($3::text IS NULL OR topic = $3)
      GROUP BY sampled_at ORDER BY sampled_at`,
    [since, now, topic ?? null],
  );
  const consumedAt = new Map(consumed.map((c) => [c.sampled_at, c.total]));
  const points: RatePoint[] = [];
  for (let i = 1; i < produced.length; i++) {
    const [a, b] = [produced[i - 1], produced[i]];
    const seconds = (b.sampled_at - a.sampled_at) / 1000;
    const ca = consumedAt.get(a.sampled_at);
    const cb = consumedAt.get(b.sampled_at);
    points.push({
      at: b.sampled_at,
      produceRate: Math.max(0, (b.total - a.total) / seconds),
      consumeRate: ca !== undefined && cb !== undefined ? Math.max(0, (cb - ca) / seconds) : 0,
    });
  }
  return points;
}

/** Per topic, its produce rate at each sample since `since` (for sparklines). */
export async function topicRates(db: Queryable, since: number, now: number): Promise<Record<string, Array<{ at: number; rate: number }>>> {
  const rows = await db.query<{ topic: string; sampled_at: number; high_watermark_sum: number }>(
    `SELECT topic, sampled_at, high_watermark_sum FROM topic_samples WHERE sampled_at >= $1 AND sampled_at <= $2 ORDER BY topic, sampled_at`,
    [since, now],
  );
  const out: Record<string, Array<{ at: number; rate: number }>> = {};
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1], rows[i]];
    if (a.topic !== b.topic) continue;
    out[b.topic] ??= [];
    out[b.topic].push({
      at: b.sampled_at,
      rate: Math.max(0, (b.high_watermark_sum - a.high_watermark_sum) / ((b.sampled_at - a.sampled_at) / 1000)),
    });
  }
  return out;
}

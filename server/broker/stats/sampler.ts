import type { Database } from '@/db/client';
import { ensureHourPartitions } from './time-partitions';

/** Advisory lock key for "one sampler at a time" across processes ("lagsamp"). */
const SAMPLER_LOCK = 0x6c616773616d70;

/**
 * One sample of every group's lag per committed partition, and of every topic's totals, at most once
 * per `intervalMs` slot across all processes (a transaction-level advisory lock plus a check of the
 * slot). Reads watermark rows and counters only. Returns the rows written.
 */
export async function takeSamples(db: Database, now: number, intervalMs: number): Promise<{ lag: number; topics: number }> {
  const slot = Math.floor(now / intervalMs) * intervalMs;
  return db.transaction(async (tx) => {
    const [lock] = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock($1) AS ok`, [SAMPLER_LOCK]);
    if (!lock.ok) return { lag: 0, topics: 0 };
    await ensureHourPartitions(tx, 'lag_samples', slot);
    await ensureHourPartitions(tx, 'topic_samples', slot);
    const [taken] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM topic_samples WHERE sampled_at = $1 LIMIT 1) s`,
      [slot],
    );
    if (taken.n > 0) return { lag: 0, topics: 0 };
    const lag = await tx.query(
      `INSERT INTO lag_samples (sampled_at, group_id, topic, partition, committed_offset, high_watermark, lag)
       SELECT $1, o.group_id, o.topic, o.partition, o.committed_offset, tp.high_watermark,
              GREATEST(tp.high_watermark - o.committed_offset, 0)
         FROM group_offsets o
         JOIN topics t ON t.name = o.topic
         JOIN topic_partitions tp ON tp.topic_id = t.id AND tp.partition = o.partition
       RETURNING 1`,
      [slot],
      { name: 'stats.sample_lag' },
    );
    const topics = await tx.query(
      `INSERT INTO topic_samples (sampled_at, topic, high_watermark_sum, records, bytes)
       SELECT $1, t.name, COALESCE(sum(tp.high_watermark), 0), COALESCE(sum(tp.high_watermark - tp.log_start_offset - tp.removed_records), 0), COALESCE(sum(tp.bytes), 0)
         FROM topics t JOIN topic_partitions tp ON tp.topic_id = t.id GROUP BY t.name
       RETURNING 1`,
      [slot],
      { name: 'stats.sample_topics' },
    );
    return { lag: lag.length, topics: topics.length };
  });
}

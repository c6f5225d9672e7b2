import type { Database } from '@/db/client';
import type { TopicConfig } from '../configs';
import { partitionTable, UNPREPARED } from './segments';

/**
 * Log compaction (cleanup.policy=compact): in the sealed part of the log (never the active segment),
 * a record is removed once a newer record with the same key exists anywhere in the partition, and a
 * tombstone (null value) once it is also older than delete.retention.ms. Records younger than
 * min.compaction.lag.ms are left alone. Offsets never change: compaction leaves gaps, as in Kafka.
 * A pass runs when a sealed segment has not been compacted yet, or tombstones may have expired.
 */
export async function compactPartition(db: Database, partitionId: number, config: TopicConfig, now: number): Promise<number> {
  const [state] = await db.query<{ clean_end: number | null; dirty: boolean; log_start_offset: number }>(
    `SELECT max(s.end_offset) FILTER (WHERE s.sealed_at IS NOT NULL) AS clean_end,
            bool_or(s.sealed_at IS NOT NULL AND (s.compacted_at IS NULL OR s.compacted_at < $2)) AS dirty,
            min(tp.log_start_offset) AS log_start_offset
       FROM log_segments s JOIN topic_partitions tp ON tp.id = s.partition_id
      WHERE s.partition_id = $1`,
    [partitionId, now - config.deleteRetentionMs],
  );
  if (!state || state.clean_end === null || !state.dirty) return 0;
  const table = partitionTable(partitionId);
  const lagCutoff = now - config.minCompactionLagMs;
  return db.transaction(async (tx) => {
    await tx.query(`SET LOCAL lock_timeout = '2s'`);
    // Superseded records: a newer record with the same key exists (the newest may be in the active segment).
    const superseded = await tx.query<{ size: number }>(
      `DELETE FROM ${table} r
        USING (SELECT key, max("offset") AS newest FROM ${table} WHERE partition_id = $1 AND key IS NOT NULL GROUP BY key) n
        WHERE r.partition_id = $1 AND r.key = n.key AND r."offset" < n.newest
          AND r."offset" >= $2 AND r."offset" < $3 AND r."timestamp" <= $4
       RETURNING COALESCE(octet_length(r.key), 0) + COALESCE(octet_length(r.value), 0) + COALESCE(octet_length(r.headers), 0) AS size`,
      [partitionId, state.log_start_offset, state.clean_end, lagCutoff],
      UNPREPARED,
    );
    // Tombstones that have had delete.retention.ms for consumers to see them.
    const tombstones = await tx.query<{ size: number }>(
      `DELETE FROM ${table}
        WHERE partition_id = $1 AND value IS NULL AND "offset" >= $2 AND "offset" < $3 AND "timestamp" < $4
       RETURNING COALESCE(octet_length(key), 0) + COALESCE(octet_length(headers), 0) AS size`,
      [partitionId, state.log_start_offset, state.clean_end, Math.min(lagCutoff, now - config.deleteRetentionMs)],
      UNPREPARED,
    );
    const removed = [...superseded, ...tombstones];
    const bytes = removed.reduce((n, r) => n + Number(r.size), 0);
    // Segment stats follow their rows; the partition's counters move last (its row lock is brief).
    await tx.query(
      `UPDATE log_segments s SET compacted_at = $2, record_count = c.n, bytes = c.bytes
         FROM (SELECT s2.base_offset,
                      (SELECT count(*) FROM ${table} r WHERE r.partition_id = $1 AND r."offset" >= s2.base_offset AND r."offset" < s2.end_offset) AS n,
                      (SELECT COALESCE(sum(COALESCE(octet_length(key), 0) + COALESCE(octet_length(value), 0) + COALESCE(octet_length(headers), 0)), 0)
                         FROM ${table} r WHERE r.partition_id = $1 AND r."offset" >= s2.base_offset AND r."offset" < s2.end_offset) AS bytes
                 FROM log_segments s2 WHERE s2.partition_id = $1 AND s2.sealed_at IS NOT NULL) c
        WHERE s.partition_id = $1 AND s.base_offset = c.base_offset`,
      [partitionId, now],
      UNPREPARED,
    );
    if (removed.length > 0) {
      await tx.query(`UPDATE topic_partitions SET bytes = GREATEST(bytes - $2, 0), removed_records = removed_records + $3 WHERE id = $1`, [
        partitionId,
        bytes,
        removed.length,
      ]);
    }
    return removed.length;
  });
}

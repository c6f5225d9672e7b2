import type { Queryable } from '@/db/client';
import { sqlState, UNDEFINED_TABLE } from '../errors';
import { partitionTable, UNPREPARED } from './segments';

/**
 * Kafka's ListOffsets MAX_TIMESTAMP (KIP-734): the record with the largest timestamp (the lowest offset
 * among equals), or null for an empty log. Sealed segments carry their largest timestamp, so they are
 * scanned from the newest-stamped down only while one could still beat the best found; open segments
 * (no stamp yet) are always scanned. An admin call, not a hot path: a scan of the open segment is fine.
 */
export async function offsetOfMaxTimestamp(db: Queryable, partitionId: number): Promise<{ offset: number; timestamp: number } | null> {
  const segments = await db.query<{ base_offset: number; end_offset: number; max_timestamp: number | null }>(
    `SELECT s.base_offset, s.end_offset, s.max_timestamp
       FROM log_segments s JOIN topic_partitions w ON w.id = s.partition_id
      WHERE s.partition_id = $1 AND s.end_offset > w.log_start_offset AND s.base_offset < w.high_watermark
      ORDER BY s.max_timestamp DESC NULLS FIRST, s.base_offset`,
    [partitionId],
    { name: 'max_timestamp.segments' },
  );
  let best: { offset: number; timestamp: number } | null = null;
  for (const s of segments) {
    if (best && s.max_timestamp !== null && s.max_timestamp < best.timestamp) break;
    let hit: { offset: number; timestamp: number } | undefined;
    try {
      [hit] = await db.query<{ offset: number; timestamp: number }>(
        `SELECT r."offset", r."timestamp" FROM ${partitionTable(partitionId)} r, topic_partitions w
          WHERE w.id = $1 AND r.partition_id = $1 AND r."offset" >= GREATEST($2::bigint, w.log_start_offset)
            AND r."offset" < LEAST($3::bigint, w.high_watermark)
          ORDER BY r."timestamp" DESC, r."offset" LIMIT 1`,
        [partitionId, s.base_offset, s.end_offset],
        { ...UNPREPARED, name: 'max_timestamp.scan' },
      );
    } catch (err) {
      if (sqlState(err) === UNDEFINED_TABLE) return null;
      throw err;
    }
    if (hit && (!best || hit.timestamp > best.timestamp || (hit.timestamp === best.timestamp && hit.offset < best.offset))) best = hit;
  }
  return best;
}

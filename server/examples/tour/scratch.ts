import { relayed } from '@/server/api/errors';
import { type Brook, isBrookError } from '@/server/client';
import { SCRATCH_PARTITIONS, SCRATCH_RETENTION_MS, SCRATCH_TOPIC } from './names';

export { SCRATCH_PARTITIONS, SCRATCH_TOPIC } from './names';

/** The tour's own topic: small segments that roll fast, so retention visibly drops the old ones. */
export const SCRATCH_CONFIGS = { 'segment.records': 5, 'segment.ms': 10_000, 'retention.ms': SCRATCH_RETENTION_MS } as const;
/** Records shown per partition lane (the newest). */
export const LANE_RECORDS = 8;

/**
 * Creates the scratch topic if it is missing; an existing one (another tab or instance made it first) is
 * left as it is. `admin`: the caller's.
 */
export async function ensureScratch(admin: ReturnType<Brook['admin']>): Promise<void> {
  const configEntries = Object.entries(SCRATCH_CONFIGS).map(([name, value]) => ({ name, value: String(value) }));
  await admin.createTopics({ topics: [{ topic: SCRATCH_TOPIC, numPartitions: SCRATCH_PARTITIONS, configEntries }] }).catch((err) => {
    throw relayed(err);
  });
}

export interface LaneRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
}

export interface Lane {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  recent: LaneRecord[];
}

/** Each partition's offsets and its newest records; null when the scratch topic does not exist yet. */
export async function scratchLanes(brook: Brook): Promise<{ topic: string; lanes: Lane[]; retentionMs: number | null } | null> {
  let topic: Awaited<ReturnType<ReturnType<Brook['admin']>['describeTopic']>>;
  try {
    topic = await brook.admin().describeTopic(SCRATCH_TOPIC);
  } catch (err) {
    if (isBrookError(err, 'UNKNOWN_TOPIC_OR_PARTITION')) return null;
    throw relayed(err);
  }
  const lanes = await Promise.all(
    topic.partitionDetails.map(async (p) => {
      const from = Math.max(p.logStartOffset, p.highWatermark - LANE_RECORDS);
      const page =
        from < p.highWatermark
          ? await brook.fetch({ topic: SCRATCH_TOPIC, partition: p.partition, offset: from, maxRecords: LANE_RECORDS, encoding: 'utf8' })
          : { records: [] };
      return {
        partition: p.partition,
        logStartOffset: p.logStartOffset,
        highWatermark: p.highWatermark,
        recent: page.records.map((r) => ({
          offset: r.offset,
          timestamp: r.timestamp,
          key: r.key,
          value: r.value,
        })),
      };
    }),
  );
  const retention = topic.configEntries.find((c) => c.name === 'retention.ms');
  return { topic: SCRATCH_TOPIC, lanes, retentionMs: retention?.value == null ? null : Number(retention.value) };
}

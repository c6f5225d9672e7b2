import { fromBytes } from '@/server/api/encoding';
import { SCRATCH_PARTITIONS, SCRATCH_RETENTION_MS, SCRATCH_TOPIC } from './names';

export { SCRATCH_PARTITIONS, SCRATCH_TOPIC } from './names';

import type { Broker } from '@/server/broker';
import { isBrokerError } from '@/server/broker/errors';

/** The tour's own topic: small segments that roll fast, so retention visibly drops the old ones. */
export const SCRATCH_CONFIGS = { 'segment.records': 5, 'segment.ms': 10_000, 'retention.ms': SCRATCH_RETENTION_MS } as const;
/** Records shown per partition lane (the newest). */
export const LANE_RECORDS = 8;

/** Creates the scratch topic if it is missing; an existing one is left as it is (idempotent). */
export async function ensureScratch(broker: Broker): Promise<void> {
  try {
    await broker.createTopic({ name: SCRATCH_TOPIC, partitions: SCRATCH_PARTITIONS, configs: { ...SCRATCH_CONFIGS } });
  } catch (err) {
    // Another tab or instance created it first: that is the topic we want.
    if (!(isBrokerError(err) && err.kafkaName === 'TOPIC_ALREADY_EXISTS')) throw err;
  }
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
export async function scratchLanes(broker: Broker): Promise<{ topic: string; lanes: Lane[]; retentionMs: number | null } | null> {
  let topic: Awaited<ReturnType<Broker['describeTopic']>>;
  try {
    topic = await broker.describeTopic(SCRATCH_TOPIC);
  } catch (err) {
    if (isBrokerError(err) && err.kafkaName === 'UNKNOWN_TOPIC_OR_PARTITION') return null;
    throw err;
  }
  const lanes = await Promise.all(
    topic.partitionDetails.map(async (p) => {
      const from = Math.max(p.logStartOffset, p.highWatermark - LANE_RECORDS);
      const page =
        from < p.highWatermark
          ? await broker.fetch({ topic: SCRATCH_TOPIC, partition: p.partition, offset: from, maxRecords: LANE_RECORDS })
          : { records: [] };
      return {
        partition: p.partition,
        logStartOffset: p.logStartOffset,
        highWatermark: p.highWatermark,
        recent: page.records.map((r) => ({
          offset: r.offset,
          timestamp: r.timestamp,
          key: fromBytes(r.key, 'utf8'),
          value: fromBytes(r.value, 'utf8'),
        })),
      };
    }),
  );
  const retention = topic.configEntries.find((c) => c.name === 'retention.ms');
  return { topic: SCRATCH_TOPIC, lanes, retentionMs: retention?.value == null ? null : Number(retention.value) };
}

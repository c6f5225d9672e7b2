import type { Broker } from './index';
import { brokerMetrics } from './metrics';

const PARTITION_STATUS = { OK: 0, WARN: 1, STALL: 2, STOP: 3, REWIND: 4 } as const;
const GROUP_STATUS = { OK: 0, WARN: 1, ERR: 2 } as const;

/**
 * Refreshes the scrape-time gauges from Postgres (offsets, watermarks, lag, status, instances) and
 * returns the Prometheus text. Watermark rows and committed offsets only: no scan of the log.
 */
export async function renderMetrics(broker: Broker): Promise<{ contentType: string; body: string }> {
  const m = brokerMetrics();
  const [snapshot, partitions, instances] = await Promise.all([
    broker.groups.snapshot(),
    broker.db.query<{ topic: string; partition: number; log_start_offset: number; high_watermark: number }>(
      `SELECT t.name AS topic, tp.partition, tp.log_start_offset, tp.high_watermark FROM topics t JOIN topic_partitions tp ON tp.topic_id = t.id`,
    ),
    broker.stats.instances(),
  ]);
  for (const g of [
    m.groupLag,
    m.groupOffset,
    m.groupMaxLag,
    m.groupSumLag,
    m.groupLagSeconds,
    m.partitionLatest,
    m.partitionEarliest,
    m.groupStatus,
    m.partitionStatus,
    m.groupMembers,
  ]) {
    g.reset(); // a deleted topic or group must disappear from the scrape
  }
  for (const p of partitions) {
    const labels = { topic: p.topic, partition: String(p.partition) };
    m.partitionLatest.set(labels, p.high_watermark);
    m.partitionEarliest.set(labels, p.log_start_offset);
  }
  for (const { group, lag } of snapshot) {
    m.groupMaxLag.set({ group: group.groupId }, lag.maxLag);
    m.groupSumLag.set({ group: group.groupId }, lag.totalLag);
    m.groupStatus.set({ group: group.groupId }, GROUP_STATUS[lag.status]);
    m.groupMembers.set({ group: group.groupId }, group.members);
    for (const p of lag.partitions) {
      if (p.committedOffset === null) continue;
      const labels = { group: group.groupId, topic: p.topic, partition: String(p.partition) };
      m.groupLag.set(labels, p.lag ?? 0);
      m.groupOffset.set(labels, p.committedOffset);
      m.partitionStatus.set(labels, PARTITION_STATUS[p.status]);
      if (p.lagSeconds !== null && p.lagSeconds !== undefined) m.groupLagSeconds.set(labels, p.lagSeconds);
    }
  }
  m.instancesAlive.set(instances.filter((i) => i.alive).length);
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}

import type { Database } from '@/db/client';
import { type Instance, InstanceRegistration, listInstances } from './instances';
import { takeSamples } from './sampler';
import { type RatePoint, throughputHistory, topicRates } from './throughput';
import { dropOldHourPartitions, HOUR_MS } from './time-partitions';

export type { Instance } from './instances';
export type { RatePoint } from './throughput';

export interface StatsOptions {
  now: () => number;
  sampleIntervalMs: number;
  retentionMs: number;
  version: string;
}

export interface ClusterTotals {
  topics: number;
  partitions: number;
  records: number;
  bytes: number;
  groups: number;
}

/** Cluster-wide numbers for the console and operators: instances, totals, throughput history. */
export class Stats {
  readonly registration: InstanceRegistration;

  constructor(
    private readonly db: Database,
    private readonly options: StatsOptions,
  ) {
    this.registration = new InstanceRegistration(db, options.version, options.now());
  }

  get sampleIntervalMs(): number {
    return this.options.sampleIntervalMs;
  }

  /** Totals from watermark rows and counters (no scan of the log). */
  async totals(): Promise<ClusterTotals> {
    const [row] = await this.db.query<ClusterTotals>(
      `SELECT (SELECT count(*) FROM topics)::int AS topics,
              (SELECT count(*) FROM topic_partitions)::int AS partitions,
              (SELECT COALESCE(sum(high_watermark - log_start_offset - removed_records), 0) FROM topic_partitions)::bigint AS records,
              (SELECT COALESCE(sum(bytes), 0) FROM topic_partitions)::bigint AS bytes,
              (SELECT count(*) FROM consumer_groups)::int AS groups`,
    );
    return row;
  }

  instances(): Promise<Instance[]> {
    return listInstances(this.db, this.options.now());
  }

  throughput(since?: number | null, topic?: string | null): Promise<RatePoint[]> {
    const now = this.options.now();
    return throughputHistory(this.db, since ?? now - HOUR_MS, now, topic);
  }

  topicRates(since?: number | null) {
    const now = this.options.now();
    return topicRates(this.db, since ?? now - HOUR_MS, now);
  }

  // --- background work (services) ----------------------------------------------------------------

  sample() {
    return takeSamples(this.db, this.options.now(), this.options.sampleIntervalMs);
  }

  async dropOld(): Promise<number> {
    const now = this.options.now();
    return (
      (await dropOldHourPartitions(this.db, 'lag_samples', now, this.options.retentionMs)) +
      (await dropOldHourPartitions(this.db, 'topic_samples', now, this.options.retentionMs))
    );
  }

  heartbeat(): Promise<void> {
    return this.registration.heartbeat(this.options.now());
  }
}

import type { Database } from '@/db/client';
import { transientBrokerError } from '../errors';
import {
  INSTANCE_ALIVE_MS,
  INSTANCE_HEARTBEAT_MS,
  type Instance,
  InstanceRegistration,
  type KafkaListenerReport,
  listInstances,
} from './instances';
import { type KafkaBroker, listKafkaBrokers } from './kafka-brokers';
import { takeSamples } from './sampler';
import { type RatePoint, throughputHistory, topicRates } from './throughput';
import { dropOldHourPartitions, HOUR_MS } from './time-partitions';

export type { Instance, InstanceKafka, KafkaListenerReport } from './instances';
export type { KafkaBroker } from './kafka-brokers';
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

  /**
   * Live instances with a Kafka listener, as Metadata lists brokers (by node id). While the database
   * cannot be read, the last list read; for a heartbeat period after it answers again, the instances of
   * that list too, since their heartbeats could not land meanwhile: an outage never makes the cluster
   * look smaller than it is.
   */
  async kafkaBrokers(now: number = this.options.now()): Promise<KafkaBroker[]> {
    let live: KafkaBroker[];
    try {
      live = await listKafkaBrokers(this.db, now, INSTANCE_ALIVE_MS);
    } catch (err) {
      if (this.lastBrokers === null || !transientBrokerError(err)) throw err;
      return this.lastBrokers;
    }
    // The database's own activity is on the real clock (this.options.now may be a test's).
    const a = this.db.activity();
    const resumed = a.lastUnreachableAt > 0 && Date.now() - a.reachableSince < INSTANCE_HEARTBEAT_MS * 2;
    if (resumed && this.lastBrokers) {
      const byId = new Map([...this.lastBrokers, ...live].map((b) => [b.nodeId, b]));
      live = [...byId.values()].sort((a, b) => a.nodeId - b.nodeId);
    }
    this.lastBrokers = live;
    return live;
  }
  private lastBrokers: KafkaBroker[] | null = null;

  /** This instance's Kafka node id; null while it has no listener. */
  get kafkaNodeId(): number | null {
    return this.registration.kafkaNodeId;
  }

  /** The server reports its Kafka listener once started (or why not): node id, then a heartbeat at once. */
  reportKafkaListener(report: KafkaListenerReport): Promise<number | null> {
    return this.registration.reportKafka(report, this.options.now());
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

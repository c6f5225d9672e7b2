import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of this process. One registry per process on globalThis: Next.js loads the engine
 * (booted from instrumentation) and the /api/metrics route as separate module copies.
 */
function create() {
  const registry = new Registry();
  const r = [registry];
  const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  return {
    registry,
    produceRequests: new Counter({
      name: 'brook_produce_requests_total',
      help: 'Produce requests, by topic and outcome.',
      labelNames: ['topic', 'outcome'],
      registers: r,
    }),
    producedRecords: new Counter({
      name: 'brook_produced_records_total',
      help: 'Records appended, by topic.',
      labelNames: ['topic'],
      registers: r,
    }),
    producedBytes: new Counter({
      name: 'brook_produced_bytes_total',
      help: 'Payload bytes (keys, values, headers) appended, by topic.',
      labelNames: ['topic'],
      registers: r,
    }),
    produceLatency: new Histogram({
      name: 'brook_produce_latency_seconds',
      help: 'Time from a produce request to its commit.',
      labelNames: ['topic'],
      buckets: latencyBuckets,
      registers: r,
    }),
    fetchRequests: new Counter({
      name: 'brook_fetch_requests_total',
      help: 'Fetch requests, by topic and outcome.',
      labelNames: ['topic', 'outcome'],
      registers: r,
    }),
    fetchedRecords: new Counter({
      name: 'brook_fetched_records_total',
      help: 'Records returned by fetches, by topic.',
      labelNames: ['topic'],
      registers: r,
    }),
    fetchedBytes: new Counter({
      name: 'brook_fetched_bytes_total',
      help: 'Payload bytes returned by fetches, by topic.',
      labelNames: ['topic'],
      registers: r,
    }),
    fetchLatency: new Histogram({
      name: 'brook_fetch_latency_seconds',
      help: 'Fetch duration, long-poll waiting included.',
      labelNames: ['topic'],
      buckets: latencyBuckets,
      registers: r,
    }),
    // Filled in at scrape time from Postgres (see server/api/metrics.ts).
    groupLag: new Gauge({
      name: 'kafka_consumergroup_group_lag',
      help: 'Group lag of a partition: high watermark minus committed offset.',
      labelNames: ['group', 'topic', 'partition'],
      registers: r,
    }),
    groupOffset: new Gauge({
      name: 'kafka_consumergroup_group_offset',
      help: 'Committed offset of a group for a partition.',
      labelNames: ['group', 'topic', 'partition'],
      registers: r,
    }),
    groupMaxLag: new Gauge({
      name: 'kafka_consumergroup_group_max_lag',
      help: 'Largest partition lag of a group.',
      labelNames: ['group'],
      registers: r,
    }),
    groupSumLag: new Gauge({
      name: 'kafka_consumergroup_group_sum_lag',
      help: 'Sum of the partition lags of a group.',
      labelNames: ['group'],
      registers: r,
    }),
    groupLagSeconds: new Gauge({
      name: 'kafka_consumergroup_group_lag_seconds',
      help: 'Estimated time lag: how long ago the log end was at the committed offset.',
      labelNames: ['group', 'topic', 'partition'],
      registers: r,
    }),
    partitionLatest: new Gauge({
      name: 'kafka_partition_latest_offset',
      help: 'High watermark of a partition.',
      labelNames: ['topic', 'partition'],
      registers: r,
    }),
    partitionEarliest: new Gauge({
      name: 'kafka_partition_earliest_offset',
      help: 'Log start offset of a partition.',
      labelNames: ['topic', 'partition'],
      registers: r,
    }),
    groupStatus: new Gauge({
      name: 'brook_consumergroup_status',
      help: 'Burrow-style group status: 0 OK, 1 WARN, 2 ERR.',
      labelNames: ['group'],
      registers: r,
    }),
    partitionStatus: new Gauge({
      name: 'brook_consumergroup_partition_status',
      help: 'Burrow-style partition status: 0 OK, 1 WARN, 2 STALL, 3 STOP, 4 REWIND.',
      labelNames: ['group', 'topic', 'partition'],
      registers: r,
    }),
    groupMembers: new Gauge({ name: 'brook_consumergroup_members', help: 'Members of a group.', labelNames: ['group'], registers: r }),
    instancesAlive: new Gauge({ name: 'brook_instances_alive', help: 'Brook processes that heartbeated recently.', registers: r }),
  };
}

export type BrokerMetrics = ReturnType<typeof create>;

const globalForMetrics = globalThis as typeof globalThis & { __brookMetrics?: BrokerMetrics };

export function brokerMetrics(): BrokerMetrics {
  globalForMetrics.__brookMetrics ??= create();
  return globalForMetrics.__brookMetrics;
}

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { queryMetrics } from '@/db/query-metrics';
import { isBrokerError } from './errors';

/**
 * Prometheus metrics of this process. One registry per process on globalThis: server/main.ts and Next's
 * page bundles (which run the engine through server/api/rsc.ts) hold separate copies of this module.
 */
/** Requests, records, bytes and latency of one kind of request (produce, fetch), by topic. */
function requestMetrics(registers: Registry[], verb: 'produce' | 'fetch', done: 'produced' | 'fetched', latencyHelp: string) {
  const title = verb[0].toUpperCase() + verb.slice(1);
  return {
    requests: new Counter({
      name: `brook_${verb}_requests_total`,
      help: `${title} requests, by topic and outcome.`,
      labelNames: ['topic', 'outcome'],
      registers,
    }),
    records: new Counter({
      name: `brook_${done}_records_total`,
      help: verb === 'produce' ? 'Records appended, by topic.' : 'Records returned by fetches, by topic.',
      labelNames: ['topic'],
      registers,
    }),
    bytes: new Counter({
      name: `brook_${done}_bytes_total`,
      help:
        verb === 'produce' ? 'Payload bytes (keys, values, headers) appended, by topic.' : 'Payload bytes returned by fetches, by topic.',
      labelNames: ['topic'],
      registers,
    }),
    latency: new Histogram({
      name: `brook_${verb}_latency_seconds`,
      help: latencyHelp,
      labelNames: ['topic'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
  };
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

function create() {
  const registry = new Registry();
  // Statement time and errors, recorded by the database adapter (db/query-metrics.ts).
  const statements = queryMetrics();
  registry.registerMetric(statements.seconds);
  registry.registerMetric(statements.errors);
  const r = [registry];
  return {
    registry,
    produce: requestMetrics(r, 'produce', 'produced', 'Time from a produce request to its commit.'),
    fetch: requestMetrics(r, 'fetch', 'fetched', 'Fetch duration, long-poll waiting included.'),
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

/**
 * Runs one produce or fetch request, timing it and counting its outcome, records and bytes. Topic names
 * a request did not find are client text: they go under "(unknown)", keeping label values bounded.
 */
export async function measureRequest<T>(
  kind: 'produce' | 'fetch',
  topic: string,
  run: () => Promise<T>,
  size: (result: T) => { records: number; bytes: number },
): Promise<T> {
  const m = brokerMetrics()[kind];
  const end = m.latency.startTimer({ topic });
  try {
    const result = await run();
    end();
    m.requests.inc({ topic, outcome: 'ok' });
    const { records, bytes } = size(result);
    if (records > 0) {
      m.records.inc({ topic }, records);
      m.bytes.inc({ topic }, bytes);
    }
    return result;
  } catch (err) {
    m.requests.inc({ topic: isBrokerError(err, 'UNKNOWN_TOPIC_OR_PARTITION') ? '(unknown)' : topic, outcome: 'error' });
    throw err;
  }
}

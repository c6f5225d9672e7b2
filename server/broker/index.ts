import type { Database } from '@/db/client';
import { Auth, type AuthOptions } from './auth';
import { type BrowseRequest, browse } from './browse';
import type { ConfigInput } from './configs';
import { type FetchDeps, type FetchManyRequest, type FetchRequest, fetchMany, fetchRecords, listOffsets, type OffsetSpec } from './fetch';
import { Groups } from './groups';
import { appendKeyed } from './idempotency/append-keyed';
import { appendToLog } from './log/append';
import { AppendQueue } from './log/append-queue';
import { type RecordForm, storedSize } from './log/read';
import { SegmentCoverage } from './log/segments';
import { measureRequest } from './metrics';
import { StickyPartitioner } from './partitioner';
import { type ProduceDeps, type ProduceRecord, produce } from './produce';
import { appendChecked } from './producers/append-checked';
import { type InitProducerIdRequest, initProducerId } from './producers/init-producer-id';
import type { ProducerFields } from './producers/sequence';
import { Stats } from './stats';
import { clusterId } from './stats/cluster-id';
import { tailTopic } from './tail';
import * as admin from './topics/admin';
import { TopicDirectory } from './topics/directory';
import { TopicMetadataCache } from './topics/metadata';
import { Wakeup } from './wakeup';

export type { AuditActor, AuthOptions } from './auth';
export type { BrowsedRecord, BrowseRequest, BrowseResult, BrowseStart } from './browse';
export { BrokerError, isBrokerError, KAFKA_ERRORS, type KafkaErrorName } from './errors';
export {
  FETCH_LIMITS,
  type FetchManyRequest,
  type FetchRequest,
  type FetchResult,
  type IsolationLevel,
  type ListOffsetsResult,
  type OffsetSpec,
  type PartitionFetch,
} from './fetch';
export type * from './groups';
export type { Base64Record, RecordForm, StoredRecord } from './log/read';
export { storedSize } from './log/read';
export { decodeHeaders, type RecordHeader } from './log/record-codec';
export { MAX_REQUEST_BYTES, type ProduceRecord, type ProduceResult } from './produce';
export type { InitProducerIdRequest, InitProducerIdResult } from './producers/init-producer-id';
export type { ProducerFields } from './producers/sequence';
export type * from './stats';
export type { TailedRecord } from './tail';
export type { PartitionDescription, SegmentDescription, TopicDescription, TopicSummary } from './topics/admin';

export interface BrokerOptions {
  /** Merge concurrent appends to one partition into one transaction (default on). */
  coalesce?: boolean;
  /** How long this process trusts its cached topic metadata (ms). */
  metadataTtlMs?: number;
  /** Long-poll re-check period, the bound on delivery delay if a NOTIFY is missed (ms). */
  recheckMs?: number;
  /** The clock; tests pass their own. */
  now?: () => number;
  /** Lag and throughput sampling interval (ms, default 10 s) and how long samples are kept (default 24 h). */
  lagSampleIntervalMs?: number;
  lagRetentionMs?: number;
  /** Shown in the instances list. */
  version?: string;
  /** How long records.produce remembers an idempotency key and its result (ms, default 24 h). */
  idempotencyWindowMs?: number;
  /**
   * Testing only (BROOK_FAILPOINT): 'produce-after-commit' kills this process (SIGKILL) once a produce
   * with an idempotency key has committed, before it is answered: a crash that loses the response.
   */
  failpoint?: 'produce-after-commit';
  /** Since when the database has answered without a break, on `now`'s clock (default: the database adapter's). */
  reachableSince?: () => number;
  /** Users, tokens, sessions and the audit log (default mode 'off': everyone is an anonymous admin). */
  auth?: AuthOptions;
}

/**
 * The broker engine: the facade every caller uses (tRPC routers, background services, examples).
 * It imports neither Next nor tRPC. All state that matters lives in Postgres; what is kept here
 * (metadata cache, segment coverage, the append queue, waiters) is per-process and only speeds things up.
 */
export class Broker {
  readonly topicCache: TopicMetadataCache;
  readonly coverage = new SegmentCoverage();
  readonly wakeup: Wakeup;
  private readonly queue: AppendQueue;
  private readonly sticky = new StickyPartitioner();
  private readonly produceDeps: ProduceDeps;
  private readonly fetchDeps: FetchDeps;
  readonly now: () => number;
  readonly idempotencyWindowMs: number;
  private readonly failpoint: BrokerOptions['failpoint'];
  /** Consumer groups: membership, assignment, offsets, lag. */
  readonly groups: Groups;
  /** Instances, totals, throughput history. */
  readonly stats: Stats;
  /** Users, tokens, sessions, SCRAM credentials, the login limit, the audit log. */
  readonly auth: Auth;
  private started = false;

  constructor(
    readonly db: Database,
    options: BrokerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.idempotencyWindowMs = options.idempotencyWindowMs ?? 86_400_000;
    this.failpoint = options.failpoint;
    this.topicCache = new TopicMetadataCache(db, options.metadataTtlMs ?? 2000);
    this.topicDirectory = new TopicDirectory(db);
    this.wakeup = new Wakeup(db, options.recheckMs ?? 500);
    this.queue = new AppendQueue(
      (batches) =>
        batches.some((b) => b.producer) ? appendChecked(db, batches, this.coverage, this.now()) : appendToLog(db, batches, this.coverage),
      {
        coalesce: options.coalesce ?? true,
        maxRecords: 50_000,
        maxBytes: 16 * 1024 * 1024,
      },
      (requests) => appendKeyed(db, requests, this.coverage, this.now(), this.idempotencyWindowMs),
    );
    this.produceDeps = {
      topics: this.topicCache,
      sticky: this.sticky,
      append: (batches, queued) => this.queue.append(batches, queued),
      appendKeyed: (request) => this.queue.appendKeyed(request),
      appended: (pid, hw) => this.wakeup.advanced(pid, hw),
      now: this.now,
    };
    this.fetchDeps = { db, topics: this.topicCache, wakeup: this.wakeup, now: this.now };
    const sampleIntervalMs = options.lagSampleIntervalMs ?? 10_000;
    // A test clock has no outages of the real one: a test that wants them passes reachableSince too.
    const reachableSince = options.reachableSince ?? (options.now ? () => Number.NEGATIVE_INFINITY : () => db.activity().reachableSince);
    this.groups = new Groups(db, { now: this.now, reachableSince, lagSampleIntervalMs: sampleIntervalMs });
    this.stats = new Stats(db, {
      now: this.now,
      sampleIntervalMs,
      retentionMs: options.lagRetentionMs ?? 24 * 3_600_000,
      version: options.version ?? 'dev',
    });
    this.auth = new Auth(db, this.now, options.auth);
  }

  /** Starts listening for appends from other processes (long-poll wake-ups). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.wakeup.start();
    await this.auth.acls.start();
  }

  async close(): Promise<void> {
    await this.queue.drained();
    await this.wakeup.stop();
    await this.auth.acls.stop();
  }

  // --- topics -----------------------------------------------------------------------------------

  async createTopic(input: { name: string; partitions: number; configs?: ConfigInput }) {
    const result = await admin.createTopic(this.db, input);
    this.topicCache.invalidate(input.name);
    return result;
  }

  listTopics() {
    return admin.listTopics(this.db);
  }

  /** Topics and partition counts for Kafka's Metadata; while the database is away, as last read (see TopicDirectory). */
  topicLayout(names: readonly string[] | null) {
    return this.topicDirectory.layout(names);
  }
  private readonly topicDirectory: TopicDirectory;

  describeTopic(name: string) {
    return admin.describeTopic(this.db, name);
  }

  async deleteTopic(name: string) {
    this.topicCache.invalidate(name);
    await admin.deleteTopic(this.db, name);
    this.topicCache.invalidate(name);
  }

  async alterTopicConfigs(name: string, configs: ConfigInput) {
    const result = await admin.alterTopicConfigs(this.db, name, configs);
    this.topicCache.invalidate(name);
    return result;
  }

  async addPartitions(name: string, count: number) {
    const result = await admin.addPartitions(this.db, name, count);
    this.topicCache.invalidate(name);
    return result;
  }

  // --- records ----------------------------------------------------------------------------------

  /**
   * `producer`: the records are one idempotent producer's batch for one partition; `idempotencyKey`:
   * records.produce's exactly-once key (see produce.ts).
   */
  produce(topic: string, records: readonly ProduceRecord[], producer?: ProducerFields, queued?: () => void, idempotencyKey?: string) {
    return measureRequest(
      'produce',
      topic,
      async () => {
        const results = await produce(this.produceDeps, topic, records, producer, queued, idempotencyKey);
        if (this.failpoint === 'produce-after-commit' && idempotencyKey !== undefined) process.kill(process.pid, 'SIGKILL');
        return results;
      },
      () => ({ records: records.length, bytes: records.reduce((n, r) => n + (r.key?.length ?? 0) + (r.value?.length ?? 0), 0) }),
    );
  }

  /** Kafka's InitProducerId for idempotent producers: a new id (epoch 0), or the epoch bumped on re-init. */
  initProducerId(req: InitProducerIdRequest, now = this.now()) {
    return initProducerId(this.db, req, now);
  }

  fetch<F extends RecordForm = 'bytes'>(req: FetchRequest<F>) {
    return measureRequest(
      'fetch',
      req.topic,
      () => fetchRecords(this.fetchDeps, req),
      (result) => ({ records: result.records.length, bytes: result.records.reduce((n, r) => n + storedSize(r), 0) }),
    );
  }

  /** Several partitions at once with Kafka's limits and long poll (see fetchMany): Kafka's Fetch. */
  fetchMany<F extends RecordForm = 'bytes'>(req: FetchManyRequest<F>) {
    return measureRequest(
      'fetch',
      new Set(req.partitions.map((p) => p.topic)).size === 1 ? req.partitions[0].topic : '(several)',
      () => fetchMany(this.fetchDeps, req),
      (outcomes) => {
        const records = outcomes.flatMap((o) => ('ok' in o ? o.ok.records : []));
        return { records: records.length, bytes: records.reduce((n, r) => n + storedSize(r), 0) };
      },
    );
  }

  listOffsets(topic: string, partition: number, spec: OffsetSpec) {
    return listOffsets(this.fetchDeps, topic, partition, spec);
  }

  /** A page for the message browser (through the offset index; a filter scans a bounded stretch). */
  browse(req: BrowseRequest) {
    return browse(this.fetchDeps, req);
  }

  /** Follows partitions of a topic as records are committed, until `signal` aborts. */
  tail(topic: string, partitions: number[] | null | undefined, from: Record<number, number> | null | undefined, signal: AbortSignal) {
    return tailTopic(this.fetchDeps, topic, partitions, from, signal);
  }

  /** Segments (log child tables) of each partition, with their offset ranges and sizes. */
  segments(topic: string) {
    return admin.describeSegments(this.db, topic);
  }

  /** The Kafka cluster id: the same from every instance on this database (cached: it cannot change). */
  clusterId(): Promise<string> {
    this.clusterIdCache ??= clusterId(this.db).catch((err) => {
      this.clusterIdCache = undefined;
      throw err;
    });
    return this.clusterIdCache;
  }
  private clusterIdCache: Promise<string> | undefined;
}

export function createBroker(db: Database, options?: BrokerOptions): Broker {
  return new Broker(db, options);
}

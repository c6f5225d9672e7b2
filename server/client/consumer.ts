import {
  fromTopicPartitions,
  parseTpKey,
  type TopicPartition,
  type TopicPartitions,
  toTopicPartitions,
  tpKey,
} from '../kernel/topic-partition';
import { BatchProcessor, type RunConfig } from './batch-processor';
import { CONSUMER_EVENTS, ConsumerEmitter, type ConsumerEventListener, type ConsumerEventName, offsetsByTopic } from './consumer-events';
import type { BrookHttp } from './http';
import { isBrookError } from './http';
import { PartitionWorker } from './partition-worker';
import { SubscriptionState, type TopicSelection } from './subscription-state';

export interface ConsumerConfig {
  groupId: string;
  clientId?: string;
  /** The member is fenced if the broker hears nothing for this long (ms). Sets the group's timeout when it forms. */
  sessionTimeout?: number;
  /** At most this often (ms); the broker's suggested interval is used when shorter. */
  heartbeatInterval?: number;
  /** How long the member may take to give up revoked partitions (ms). */
  rebalanceTimeout?: number;
  /** Records per delivered batch at most (the stream sends what is there, up to this). */
  maxRecords?: number;
  maxBytesPerPartition?: number;
  retryBackoffMs?: number;
  assignor?: 'uniform' | 'range';
  /** Where a CRASH nobody listens for is logged (default console.error). */
  logError?: (line: string) => void;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string | number;
}

/**
 * A kafkajs-style group consumer over Brook's HTTP API (KIP-848-style heartbeats: the broker assigns).
 *
 * At least once: offsets are committed after the handler finished with a record. On revocation the
 * consumer stops fetching the partition, waits for the record in hand, commits, and only then reports
 * the partition released. A fenced member (its heartbeats lost for the session timeout) drops its
 * partitions without committing, since its commits would be refused; their uncommitted work is what
 * a new owner may process again.
 */
export class Consumer {
  /** The event names `on()` accepts (kafkajs' `consumer.events`). */
  readonly events = CONSUMER_EVENTS;
  private readonly emitter: ConsumerEmitter;
  private readonly state = new SubscriptionState();
  private memberId: string | null = null;
  private memberEpoch = 0;
  private heartbeatMs: number;
  private readonly workers = new Map<string, PartitionWorker>();
  /** Partitions whose workers are being started (their offsets looked up): owned already, see owned(). */
  private readonly starting = new Set<string>();
  private target: TopicPartitions[] | null = null;
  private lost = false;
  /** The assignment REBALANCING was last reported for. */
  private rebalancingTo: string | null = null;
  private readonly processor: BatchProcessor;
  private running = false;
  private stopped = false;
  private lastHeartbeatOk = Date.now();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private commitTimer: NodeJS.Timeout | null = null;
  /** The auto-commit on the wire, if any: disconnect waits for it so nothing is emitted after STOP. */
  private autoCommitting: Promise<void> = Promise.resolve();
  private beating: Promise<void> = Promise.resolve();
  private reconciling: Promise<void> | null = null;

  constructor(
    private readonly http: BrookHttp,
    private readonly config: ConsumerConfig & { clientId: string },
  ) {
    this.heartbeatMs = config.heartbeatInterval ?? 3000;
    this.emitter = new ConsumerEmitter(config.groupId, config.logError);
    this.processor = new BatchProcessor({
      emitter: this.emitter,
      retryBackoffMs: config.retryBackoffMs ?? 1000,
      heartbeat: () => this.heartbeat(),
      commit: (w) => this.commitProcessed([w]),
      pause: (w) => {
        this.pause([{ topic: w.topic, partitions: [w.partition] }]);
        return () => this.resume([{ topic: w.topic, partitions: [w.partition] }]);
      },
    });
  }

  /** Listens for one of `consumer.events` (an unknown name throws); returns the function that stops it. */
  on<E extends ConsumerEventName>(event: E, listener: ConsumerEventListener<E>): () => void {
    return this.emitter.on(event, listener);
  }

  async connect(): Promise<void> {
    this.emitter.emit(CONSUMER_EVENTS.CONNECT, { groupId: this.config.groupId });
  }

  async subscribe({ topic, topics, fromBeginning = false }: { topic?: string; topics?: string[]; fromBeginning?: boolean }): Promise<void> {
    this.state.subscribe([...(topics ?? []), ...(topic ? [topic] : [])], fromBeginning);
    if (this.running) await this.heartbeat();
  }

  async run(config: RunConfig): Promise<void> {
    if (!config.eachMessage && !config.eachBatch) throw new Error('run() needs eachMessage or eachBatch');
    if (this.state.topics().length === 0) throw new Error('subscribe() to at least one topic before run()');
    this.processor.config = { ...this.processor.config, ...config };
    this.running = true;
    this.stopped = false;
    await this.heartbeat();
    this.scheduleHeartbeat();
    if (this.processor.config.autoCommit) this.scheduleCommit();
  }

  /** Sends a heartbeat now (serialised with the periodic ones). */
  heartbeat(): Promise<void> {
    this.beating = this.beating.then(() => this.beat());
    return this.beating;
  }

  /** Stops fetching the partitions (a whole topic: also those assigned later) until resumed. */
  pause(topics: TopicSelection[]): void {
    this.state.pause(topics);
    this.applyPauses();
  }

  resume(topics: TopicSelection[]): void {
    this.state.resume(topics);
    this.applyPauses();
  }

  paused(): TopicPartitions[] {
    return this.state.paused(this.assignment());
  }

  /** The next fetch of this partition starts at `offset` (applied when it is assigned, if it is not yet). */
  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    const worker = this.workers.get(tpKey(topic, partition));
    if (worker) worker.seek(Number(offset));
    else this.state.seek({ topic, partition }, Number(offset));
  }

  /** What this member owns now. */
  assignment(): TopicPartition[] {
    return [...this.workers.values()].map((w) => ({ topic: w.topic, partition: w.partition }));
  }

  async commitOffsets(offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.http.mutate('groups.commit', {
      groupId: this.config.groupId,
      memberId: this.memberId,
      memberEpoch: this.memberId ? this.memberEpoch : null,
      offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) })),
    });
    for (const o of offsets) {
      const w = this.workers.get(tpKey(o.topic, o.partition));
      if (w) w.committed = Math.max(w.committed ?? 0, Number(o.offset));
    }
  }

  /** Stops fetching, finishes the records in hand, commits them, and leaves the group. */
  async disconnect(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.running = false;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    if (this.commitTimer) clearTimeout(this.commitTimer);
    // A heartbeat or an auto-commit already on the wire ends first: its answer must not land after the leave below.
    await this.beating;
    await this.autoCommitting;
    await this.reconciling;
    const workers = [...this.workers.values()];
    await Promise.all(workers.map((w) => w.stop()));
    if (this.memberId && !this.lost) {
      await this.commitProcessed(workers).catch((err) => this.emitter.error(err));
      await this.http
        .mutate('groups.heartbeat', { groupId: this.config.groupId, memberId: this.memberId, memberEpoch: -1 })
        .catch((err) => this.emitter.error(err));
    }
    this.workers.clear();
    this.memberId = null;
    this.memberEpoch = 0;
    // As kafkajs: STOP once the consumer has stopped (its last commit and the leave done), then DISCONNECT.
    this.emitter.emit(CONSUMER_EVENTS.STOP, { groupId: this.config.groupId });
    this.emitter.emit(CONSUMER_EVENTS.DISCONNECT, { groupId: this.config.groupId });
  }

  /**
   * Stops as a killed process would: fetching and heartbeats end, nothing is committed and the group is
   * not told, so the broker fences the member only when its session times out and its partitions move
   * then. For demonstrations (the online-store example's "crash a member") and tests.
   */
  async crash(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.running = false;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    if (this.commitTimer) clearTimeout(this.commitTimer);
    await this.reconciling;
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
    this.emitter.emit(CONSUMER_EVENTS.STOP, { groupId: this.config.groupId });
  }

  // --- membership ---------------------------------------------------------------------------------

  private scheduleHeartbeat(delay = this.heartbeatMs): void {
    if (this.stopped) return;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => {
      void this.heartbeat().finally(() => this.scheduleHeartbeat());
    }, delay);
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    const joining = this.memberId === null;
    const started = Date.now();
    const topics = this.state.topics();
    try {
      const r = await this.http.mutate(
        'groups.heartbeat',
        joining
          ? {
              groupId: this.config.groupId,
              memberEpoch: 0,
              topics,
              clientId: this.config.clientId,
              sessionTimeoutMs: this.config.sessionTimeout,
              rebalanceTimeoutMs: this.config.rebalanceTimeout,
              assignor: this.config.assignor,
            }
          : {
              groupId: this.config.groupId,
              memberId: this.memberId,
              memberEpoch: this.memberEpoch,
              topics,
              ownedPartitions: this.owned(),
            },
      );
      // Disconnected while this call was on the wire: its answer changes nothing and is not an event.
      if (this.stopped) return;
      this.lastHeartbeatOk = Date.now();
      this.lost = false;
      this.memberId = r.memberId;
      this.memberEpoch = r.memberEpoch;
      this.heartbeatMs = Math.min(this.config.heartbeatInterval ?? Infinity, r.heartbeatIntervalMs);
      const member = { groupId: this.config.groupId, memberId: r.memberId, memberEpoch: r.memberEpoch };
      this.emitter.emit(CONSUMER_EVENTS.HEARTBEAT, member);
      if (joining)
        this.emitter.emit(CONSUMER_EVENTS.GROUP_JOIN, { ...member, memberAssignment: r.assignment, duration: Date.now() - started });
      // Once per new assignment, not on every heartbeat while partitions are still moving.
      const announced = fromTopicPartitions(r.assignment).join(',');
      if (!this.owns(r.assignment) && announced !== this.rebalancingTo) {
        this.rebalancingTo = announced;
        this.emitter.emit(CONSUMER_EVENTS.REBALANCING, { ...member, assignment: r.assignment });
      }
      this.target = r.assignment;
    } catch (err) {
      if (this.stopped) return;
      if (isBrookError(err, 'UNKNOWN_MEMBER_ID') || isBrookError(err, 'FENCED_MEMBER_EPOCH')) {
        const { groupId } = this.config;
        this.emitter.emit(CONSUMER_EVENTS.FENCED, { groupId, memberId: this.memberId, memberEpoch: this.memberEpoch, reason: err.message });
        this.fenced();
      } else {
        this.emitter.error(err);
        // Unheard for a whole session: the broker has fenced us by now, stop working on its partitions.
        if (Date.now() - this.lastHeartbeatOk > (this.config.sessionTimeout ?? 45_000)) this.fenced();
      }
    }
    this.reconcileSoon();
  }

  private fenced(): void {
    this.lost = true;
    this.memberId = null;
    this.memberEpoch = 0;
    this.target = [];
  }

  /**
   * What heartbeats say this member owns: its workers, and the partitions it is starting. Leaving those
   * out while the start is slow (a broker restarting) would tell the broker they are free to give away.
   */
  private owned(): TopicPartitions[] {
    return toTopicPartitions(new Set([...this.workers.keys(), ...this.starting]));
  }

  /** Whether this member owns exactly `assignment` already (no partition to take or give up). */
  private owns(assignment: TopicPartitions[]): boolean {
    const keys = fromTopicPartitions(assignment);
    return keys.length === this.workers.size && keys.every((k) => this.workers.has(k));
  }

  private applyPauses(): void {
    for (const w of this.workers.values()) if (w.paused !== this.state.isPaused(w)) w.setPaused(!w.paused);
  }

  private reconcileSoon(): void {
    if (this.reconciling || this.stopped) return;
    this.reconciling = this.reconcile()
      .catch((err) => this.emitter.error(err))
      .finally(() => {
        this.reconciling = null;
      });
  }

  /** Brings the workers in line with the latest assignment; loops while heartbeats bring newer ones. */
  private async reconcile(): Promise<void> {
    for (;;) {
      const target = this.target;
      if (!target || this.stopped) return;
      const wanted = new Set(fromTopicPartitions(target));
      const revoked = [...this.workers.values()].filter((w) => !wanted.has(w.key));
      if (revoked.length > 0) {
        await Promise.all(revoked.map((w) => w.stop()));
        // A fenced member's commits would be refused; an owner commits what it finished before letting go.
        if (!this.lost && this.processor.config.autoCommit) await this.commitProcessed(revoked).catch((err) => this.emitter.error(err));
        for (const w of revoked) this.workers.delete(w.key);
        const partitions = revoked.map((w) => ({ topic: w.topic, partition: w.partition }));
        this.emitter.emit(CONSUMER_EVENTS.PARTITIONS_REVOKED, { groupId: this.config.groupId, partitions });
        if (!this.lost) this.scheduleHeartbeat(0); // tell the broker they are free now
      }
      const added = [...wanted].filter((k) => !this.workers.has(k));
      if (added.length > 0 && !this.lost) await this.startWorkers(added);
      if (this.target === target) return;
    }
  }

  private async startWorkers(keys: string[]): Promise<void> {
    for (const k of keys) this.starting.add(k);
    try {
      await this.startWorkersNow(keys);
    } finally {
      for (const k of keys) this.starting.delete(k);
    }
  }

  private async startWorkersNow(keys: string[]): Promise<void> {
    const parts = keys.map(parseTpKey);
    const topics = [...new Set(parts.map((p) => p.topic))];
    const committed = new Map<string, number>();
    for (const t of await this.http.query('groups.fetchOffsets', { groupId: this.config.groupId, topics })) {
      for (const p of t.partitions) committed.set(tpKey(t.topic, p.partition), p.offset);
    }
    const resetTo = this.state.fromBeginning ? 'earliest' : 'latest';
    const started: TopicPartition[] = [];
    for (const p of parts) {
      const key = tpKey(p.topic, p.partition);
      let position = this.state.takeSeek(p) ?? committed.get(key);
      if (position === undefined) {
        position = (await this.http.query('records.listOffsets', { topic: p.topic, partition: p.partition, spec: resetTo })).offset ?? 0;
      }
      // The assignment may have moved on during those lookups: start only what is still this member's.
      if (this.lost || this.stopped || !fromTopicPartitions(this.target ?? []).includes(key)) continue;
      const worker = new PartitionWorker(
        p.topic,
        p.partition,
        { position, committed: committed.get(key) ?? null },
        this.http,
        {
          maxRecords: this.config.maxRecords ?? 500,
          maxBytesPerPartition: this.config.maxBytesPerPartition ?? 1024 * 1024,
          retryBackoffMs: this.config.retryBackoffMs ?? 1000,
          resetTo,
        },
        (w, batch) => this.processor.run(w, batch),
        {
          error: (err) => this.emitter.error(err),
          fetched: (info) => this.emitter.emit(CONSUMER_EVENTS.FETCH, { topic: p.topic, partition: p.partition, ...info }),
        },
      );
      worker.paused = this.state.isPaused(p);
      this.workers.set(key, worker);
      worker.start();
      started.push(p);
    }
    if (started.length > 0) this.emitter.emit(CONSUMER_EVENTS.PARTITIONS_ASSIGNED, { groupId: this.config.groupId, partitions: started });
    if (started.length < parts.length && !this.lost) this.scheduleHeartbeat(0); // tell the broker those are free now
  }

  // --- commits ------------------------------------------------------------------------------------

  private scheduleCommit(): void {
    if (this.stopped) return;
    this.commitTimer = setTimeout(() => {
      this.autoCommitting = this.commitProcessed([...this.workers.values()])
        .catch((err) => this.emitter.error(err))
        .finally(() => this.scheduleCommit());
    }, this.processor.config.autoCommitInterval);
  }

  private async commitProcessed(workers: PartitionWorker[]): Promise<void> {
    const due = workers.filter((w) => w.committed !== w.processed);
    if (due.length === 0 || !this.memberId) return;
    const offsets = due.map((w) => ({ topic: w.topic, partition: w.partition, offset: w.processed }));
    try {
      await this.commitOffsets(offsets);
      const member = { groupId: this.config.groupId, memberId: this.memberId, memberEpoch: this.memberEpoch };
      this.emitter.emit(CONSUMER_EVENTS.COMMIT_OFFSETS, { ...member, topics: offsetsByTopic(offsets) });
    } catch (err) {
      // Refused commits (stale epoch, fenced) are sorted out by the next heartbeat.
      if (!isBrookError(err, 'STALE_MEMBER_EPOCH') && !isBrookError(err, 'UNKNOWN_MEMBER_ID') && !isBrookError(err, 'FENCED_MEMBER_EPOCH'))
        throw err;
    }
  }
}

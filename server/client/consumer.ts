import { EventEmitter } from 'node:events';
import type { BrookHttp } from './http';
import { isBrookError } from './http';
import type { KafkaMessage } from './messages';
import { type Batch, PartitionWorker } from './partition-worker';

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
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat(): Promise<void>;
  pause(): () => void;
}

export interface EachBatchPayload {
  batch: Batch;
  resolveOffset(offset: string | number): void;
  heartbeat(): Promise<void>;
  commitOffsetsIfNecessary(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
  pause(): () => void;
}

export interface RunConfig {
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  /** Commit processed offsets every `autoCommitInterval` ms, and on revocation and disconnect. */
  autoCommit?: boolean;
  autoCommitInterval?: number;
  /** How many partitions' handlers may run at once (kafkajs' default is 1). */
  partitionsConsumedConcurrently?: number;
  eachBatchAutoResolve?: boolean;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string | number;
}

type Assignment = Array<{ topic: string; partitions: number[] }>;

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
  readonly events = new EventEmitter();
  private memberId: string | null = null;
  private memberEpoch = 0;
  private heartbeatMs: number;
  private topics: string[] = [];
  private fromBeginning = false;
  private readonly workers = new Map<string, PartitionWorker>();
  private target: Assignment | null = null;
  private lost = false;
  private runConfig: Required<Omit<RunConfig, 'eachMessage' | 'eachBatch'>> & Pick<RunConfig, 'eachMessage' | 'eachBatch'> = {
    autoCommit: true,
    autoCommitInterval: 5000,
    partitionsConsumedConcurrently: 1,
    eachBatchAutoResolve: true,
  };
  private running = false;
  private stopped = false;
  private lastHeartbeatOk = Date.now();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private commitTimer: NodeJS.Timeout | null = null;
  private beating: Promise<void> = Promise.resolve();
  private reconciling: Promise<void> | null = null;
  private readonly pausedKeys = new Set<string>();
  private readonly pendingSeeks = new Map<string, number>();
  private slotsInUse = 0;
  private readonly slotQueue: Array<() => void> = [];

  constructor(
    private readonly http: BrookHttp,
    private readonly config: ConsumerConfig & { clientId: string },
  ) {
    this.heartbeatMs = config.heartbeatInterval ?? 3000;
    this.events.on('error', () => {}); // errors are reported, never thrown at the emitter
  }

  async connect(): Promise<void> {}

  async subscribe({ topic, topics, fromBeginning = false }: { topic?: string; topics?: string[]; fromBeginning?: boolean }): Promise<void> {
    this.topics = [...new Set([...this.topics, ...(topics ?? []), ...(topic ? [topic] : [])])];
    this.fromBeginning = fromBeginning;
    if (this.running) await this.heartbeat();
  }

  async run(config: RunConfig): Promise<void> {
    if (!config.eachMessage && !config.eachBatch) throw new Error('run() needs eachMessage or eachBatch');
    if (this.topics.length === 0) throw new Error('subscribe() to at least one topic before run()');
    this.runConfig = { ...this.runConfig, ...config };
    this.running = true;
    this.stopped = false;
    await this.heartbeat();
    this.scheduleHeartbeat();
    if (this.runConfig.autoCommit) this.scheduleCommit();
  }

  /** Sends a heartbeat now (serialised with the periodic ones). */
  heartbeat(): Promise<void> {
    this.beating = this.beating.then(() => this.beat());
    return this.beating;
  }

  pause(topics: Array<{ topic: string; partitions?: number[] }>): void {
    for (const k of this.keysOf(topics)) {
      this.pausedKeys.add(k);
      this.workers.get(k)?.setPaused(true);
    }
  }

  resume(topics: Array<{ topic: string; partitions?: number[] }>): void {
    for (const k of this.keysOf(topics)) {
      this.pausedKeys.delete(k);
      this.workers.get(k)?.setPaused(false);
    }
  }

  paused(): Array<{ topic: string; partitions: number[] }> {
    const byTopic = new Map<string, number[]>();
    for (const k of this.pausedKeys) {
      const i = k.lastIndexOf(':');
      byTopic.set(k.slice(0, i), [...(byTopic.get(k.slice(0, i)) ?? []), Number(k.slice(i + 1))]);
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  }

  /** The next fetch of this partition starts at `offset` (applied when it is assigned, if it is not yet). */
  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    const key = `${topic}:${partition}`;
    const worker = this.workers.get(key);
    if (worker) worker.seek(Number(offset));
    else this.pendingSeeks.set(key, Number(offset));
  }

  /** What this member owns now. */
  assignment(): Array<{ topic: string; partition: number }> {
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
      const w = this.workers.get(`${o.topic}:${o.partition}`);
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
    await this.reconciling;
    const workers = [...this.workers.values()];
    await Promise.all(workers.map((w) => w.stop()));
    if (this.memberId && !this.lost) {
      await this.commitProcessed(workers).catch((err) => this.events.emit('error', err));
      await this.http
        .mutate('groups.heartbeat', { groupId: this.config.groupId, memberId: this.memberId, memberEpoch: -1 })
        .catch((err) => this.events.emit('error', err));
    }
    this.workers.clear();
    this.memberId = null;
    this.memberEpoch = 0;
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
    try {
      const r = await this.http.mutate(
        'groups.heartbeat',
        joining
          ? {
              groupId: this.config.groupId,
              memberEpoch: 0,
              topics: this.topics,
              clientId: this.config.clientId,
              sessionTimeoutMs: this.config.sessionTimeout,
              rebalanceTimeoutMs: this.config.rebalanceTimeout,
              assignor: this.config.assignor,
            }
          : {
              groupId: this.config.groupId,
              memberId: this.memberId,
              memberEpoch: this.memberEpoch,
              topics: this.topics,
              ownedPartitions: this.owned(),
            },
      );
      this.lastHeartbeatOk = Date.now();
      this.lost = false;
      this.memberId = r.memberId;
      this.memberEpoch = r.memberEpoch;
      this.heartbeatMs = Math.min(this.config.heartbeatInterval ?? Infinity, r.heartbeatIntervalMs);
      if (joining) this.events.emit('group.join', { memberId: r.memberId, memberEpoch: r.memberEpoch });
      this.target = r.assignment;
    } catch (err) {
      if (isBrookError(err, 'UNKNOWN_MEMBER_ID') || isBrookError(err, 'FENCED_MEMBER_EPOCH')) {
        this.events.emit('group.fenced', { memberId: this.memberId, reason: (err as Error).message });
        this.fenced();
      } else {
        this.events.emit('error', err);
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

  private owned(): Assignment {
    const byTopic = new Map<string, number[]>();
    for (const w of this.workers.values()) byTopic.set(w.topic, [...(byTopic.get(w.topic) ?? []), w.partition]);
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
  }

  private reconcileSoon(): void {
    if (this.reconciling || this.stopped) return;
    this.reconciling = this.reconcile()
      .catch((err) => {
        this.events.emit('error', err);
      })
      .finally(() => {
        this.reconciling = null;
      });
  }

  /** Brings the workers in line with the latest assignment; loops while heartbeats bring newer ones. */
  private async reconcile(): Promise<void> {
    for (;;) {
      const target = this.target;
      if (!target || this.stopped) return;
      const wanted = new Set(target.flatMap((t) => t.partitions.map((p) => `${t.topic}:${p}`)));
      const revoked = [...this.workers.values()].filter((w) => !wanted.has(w.key));
      if (revoked.length > 0) {
        await Promise.all(revoked.map((w) => w.stop()));
        // A fenced member's commits would be refused; an owner commits what it finished before letting go.
        if (!this.lost && this.runConfig.autoCommit) await this.commitProcessed(revoked).catch((err) => this.events.emit('error', err));
        for (const w of revoked) this.workers.delete(w.key);
        this.events.emit(
          'revoked',
          revoked.map((w) => ({ topic: w.topic, partition: w.partition })),
        );
        if (!this.lost) this.scheduleHeartbeat(0); // tell the broker they are free now
      }
      const added = [...wanted].filter((k) => !this.workers.has(k));
      if (added.length > 0 && !this.lost) await this.startWorkers(added);
      if (this.target === target) return;
    }
  }

  private async startWorkers(keys: string[]): Promise<void> {
    const parts = keys.map((k) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }));
    const topics = [...new Set(parts.map((p) => p.topic))];
    const committed = new Map<string, number>();
    for (const t of await this.http.query('groups.fetchOffsets', { groupId: this.config.groupId, topics })) {
      for (const p of t.partitions) committed.set(`${t.topic}:${p.partition}`, p.offset);
    }
    for (const p of parts) {
      const key = `${p.topic}:${p.partition}`;
      let position = this.pendingSeeks.get(key) ?? committed.get(key);
      this.pendingSeeks.delete(key);
      if (position === undefined) {
        const spec = this.fromBeginning ? 'earliest' : 'latest';
        position = (await this.http.query('records.listOffsets', { topic: p.topic, partition: p.partition, spec })).offset ?? 0;
      }
      const worker = new PartitionWorker(
        p.topic,
        p.partition,
        { position, committed: committed.get(key) ?? null },
        this.http,
        {
          maxRecords: this.config.maxRecords ?? 500,
          maxBytesPerPartition: this.config.maxBytesPerPartition ?? 1024 * 1024,
          retryBackoffMs: this.config.retryBackoffMs ?? 1000,
          resetTo: this.fromBeginning ? 'earliest' : 'latest',
        },
        (w, batch) => this.runBatch(w, batch),
        (err) => this.events.emit('error', err),
      );
      if (this.pausedKeys.has(key)) worker.paused = true;
      this.workers.set(key, worker);
      worker.start();
    }
    this.events.emit('assigned', parts);
  }

  // --- processing ---------------------------------------------------------------------------------

  private async runBatch(w: PartitionWorker, batch: Batch): Promise<number | null> {
    await this.acquireSlot();
    try {
      return this.runConfig.eachBatch ? await this.eachBatch(w, batch) : await this.eachMessage(w, batch);
    } finally {
      this.releaseSlot();
    }
  }

  private async eachMessage(w: PartitionWorker, batch: Batch): Promise<number | null> {
    let next: number | null = null;
    for (const message of batch.messages) {
      if (!w.running || w.paused) break;
      for (;;) {
        try {
          await this.runConfig.eachMessage!({
            topic: batch.topic,
            partition: batch.partition,
            message,
            heartbeat: () => this.heartbeat(),
            pause: () => this.pauseFor(w),
          });
          break;
        } catch (err) {
          // At least once: the record is handed again after a pause, never skipped.
          this.events.emit('error', err);
          if (!w.running) return next;
          await new Promise((r) => setTimeout(r, this.config.retryBackoffMs ?? 1000));
        }
      }
      next = Number(message.offset) + 1;
      w.processed = next;
    }
    return next;
  }

  private async eachBatch(w: PartitionWorker, batch: Batch): Promise<number | null> {
    let resolved: number | null = null;
    const resolve = (offset: string | number) => {
      resolved = Number(offset) + 1;
      w.processed = Math.max(w.processed, resolved);
    };
    try {
      await this.runConfig.eachBatch!({
        batch,
        resolveOffset: resolve,
        heartbeat: () => this.heartbeat(),
        commitOffsetsIfNecessary: () => this.commitProcessed([w]),
        isRunning: () => w.running,
        isStale: () => !w.running,
        pause: () => this.pauseFor(w),
      });
      if (this.runConfig.eachBatchAutoResolve && batch.messages.length > 0) resolve(batch.lastOffset());
    } catch (err) {
      this.events.emit('error', err);
      await new Promise((r) => setTimeout(r, this.config.retryBackoffMs ?? 1000));
    }
    return resolved;
  }

  private pauseFor(w: PartitionWorker): () => void {
    this.pause([{ topic: w.topic, partitions: [w.partition] }]);
    return () => this.resume([{ topic: w.topic, partitions: [w.partition] }]);
  }

  private acquireSlot(): Promise<void> {
    if (this.slotsInUse < Math.max(1, this.runConfig.partitionsConsumedConcurrently)) {
      this.slotsInUse++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.slotQueue.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotQueue.shift();
    if (next) next();
    else this.slotsInUse--;
  }

  // --- commits ------------------------------------------------------------------------------------

  private scheduleCommit(): void {
    if (this.stopped) return;
    this.commitTimer = setTimeout(() => {
      void this.commitProcessed([...this.workers.values()])
        .catch((err) => this.events.emit('error', err))
        .finally(() => this.scheduleCommit());
    }, this.runConfig.autoCommitInterval);
  }

  private async commitProcessed(workers: PartitionWorker[]): Promise<void> {
    const due = workers.filter((w) => w.committed !== w.processed);
    if (due.length === 0 || !this.memberId) return;
    const offsets = due.map((w) => ({ topic: w.topic, partition: w.partition, offset: w.processed }));
    try {
      await this.commitOffsets(offsets);
      this.events.emit('commit', offsets);
    } catch (err) {
      // Refused commits (stale epoch, fenced) are sorted out by the next heartbeat.
      if (!isBrookError(err, 'STALE_MEMBER_EPOCH') && !isBrookError(err, 'UNKNOWN_MEMBER_ID') && !isBrookError(err, 'FENCED_MEMBER_EPOCH'))
        throw err;
    }
  }

  private keysOf(topics: Array<{ topic: string; partitions?: number[] }>): string[] {
    return topics.flatMap((t) =>
      t.partitions
        ? t.partitions.map((p) => `${t.topic}:${p}`)
        : [...this.workers.values(), ...[...this.pausedKeys].map((k) => ({ key: k, topic: k.slice(0, k.lastIndexOf(':')) }))]
            .filter((w) => w.topic === t.topic)
            .map((w) => w.key),
    );
  }
}

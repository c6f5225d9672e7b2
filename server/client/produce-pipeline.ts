import { type BrookError, isBrookError } from './http';
import type { encodeMessage } from './messages';

/** One record as the API takes it, its partition always chosen by the client (see Producer). */
export type EncodedRecord = ReturnType<typeof encodeMessage> & { partition: number };

export interface PipelineSettings {
  /** How long a send may wait for others to share its request (ms); 0: those of the same event-loop turn. */
  lingerMs: number;
  /** A request is sent once its records reach about this many bytes (base64 JSON). */
  batchSize: number;
  /** Produce requests in flight at once (Kafka's max.in.flight.requests.per.connection). */
  maxInFlightRequests: number;
}

/** One `send` call: one topic, records in the caller's order; settled once its records are written. */
export interface PendingSend {
  topic: string;
  /** null until the topic's partition count is known (keyed and null-key records need it). */
  records: EncodedRecord[] | null;
  bytes: number;
  settle: { resolve(results: Array<{ partition: number; offset: number }>): void; reject(err: unknown): void };
}

/** A send taken for a request, with its placed records. */
interface ReadySend {
  send: PendingSend;
  records: EncodedRecord[];
}

/** Sends one produce request (one transaction on the broker: all its records are written or none). */
export type ProduceCall = (topic: string, records: EncodedRecord[]) => Promise<Array<{ partition: number; offset: number }>>;

/** A request holds at most this many records (the broker's MAX_RECORDS_PER_REQUEST is 100,000). */
const MAX_RECORDS_PER_REQUEST = 10_000;

const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The producer's send pipeline: sends wait up to `lingerMs` to share a request, up to
 * `maxInFlightRequests` requests travel at once, and order per partition is kept by construction: a
 * partition is in at most one request in flight, and a send is only taken when no earlier send still
 * waiting touches one of its partitions. Two requests on two sockets can reach the broker in either
 * order, so this is the only way order can hold; retries (BrookHttp's, inside one call) keep the
 * partitions taken, so a failing batch holds back the later batches of its partitions.
 *
 * A whole send goes in one request (one transaction), so a send spanning partitions stays all or
 * nothing. A request the broker refuses (4xx: nothing was written) that carried several sends is sent
 * again one send at a time, so an error rejects only the send it belongs to.
 */
export class ProducePipeline {
  private queue: PendingSend[] = [];
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private queuedBytes = 0;
  /** The pending linger (a timer, or an immediate for lingerMs 0). */
  private timer: { cancel(): void; lingering: boolean } | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly settings: PipelineSettings,
    private readonly call: ProduceCall,
  ) {}

  /** Queues a send in call order (its records may still lack partitions: see `resolved`). */
  push(send: PendingSend): void {
    this.queue.push(send);
    this.queuedBytes += send.bytes;
    // A full batch goes without lingering, but at the end of this turn: a loop of sends scans the queue once.
    this.schedule(this.queuedBytes >= this.settings.batchSize);
  }

  /** The sends of `topic` whose partitions were pending now have them (or failed: `err`). */
  resolved(topic: string, err?: unknown): void {
    if (err !== undefined) {
      const failed = this.queue.filter((s) => s.topic === topic && s.records === null);
      this.queue = this.queue.filter((s) => !failed.includes(s));
      for (const s of failed) {
        this.queuedBytes -= s.bytes;
        s.settle.reject(err);
      }
      this.checkIdle();
    }
    this.schedule();
  }

  /** Sends what is queued now (no linger) and resolves once nothing is queued or in flight. */
  flush(): Promise<void> {
    this.drain();
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** For tests and metrics: requests in flight now. */
  get requestsInFlight(): number {
    return this.inFlight;
  }

  private schedule(now = false): void {
    if (this.timer && !(now && this.timer.lingering)) return;
    this.timer?.cancel();
    const fire = () => {
      this.timer = null;
      this.drain();
    };
    // While someone waits for a flush, nothing lingers.
    if (now || this.settings.lingerMs <= 0 || this.idleWaiters.length > 0) {
      // Sends made in the same turn of the event loop share a request.
      const immediate = setImmediate(fire);
      this.timer = { cancel: () => clearImmediate(immediate), lingering: false };
    } else {
      const timeout = setTimeout(fire, this.settings.lingerMs);
      this.timer = { cancel: () => clearTimeout(timeout), lingering: true };
    }
  }

  private drain(): void {
    this.timer?.cancel();
    this.timer = null;
    while (this.inFlight < this.settings.maxInFlightRequests) {
      const picked = this.nextRequest();
      if (picked.length === 0) break;
      void this.run(picked);
    }
  }

  /** The next request: the earliest sendable sends of one topic, in order, skipping none that blocks. */
  private nextRequest(): ReadySend[] {
    const blocked = new Set(this.busy);
    const waitingTopics = new Set<string>(); // a send without partitions yet holds back its whole topic
    const picked: ReadySend[] = [];
    let topic: string | null = null;
    let bytes = 0;
    let count = 0;
    for (const send of this.queue) {
      const records = send.records;
      if (records === null) {
        waitingTopics.add(send.topic);
        continue;
      }
      const keys = records.map((r) => tp(send.topic, r.partition));
      const full = picked.length > 0 && (bytes + send.bytes > this.settings.batchSize || count + records.length > MAX_RECORDS_PER_REQUEST);
      if (full && send.topic === topic) break;
      if (waitingTopics.has(send.topic) || (topic !== null && send.topic !== topic) || keys.some((k) => blocked.has(k))) {
        for (const k of keys) blocked.add(k); // later sends to these partitions wait behind this one
        continue;
      }
      picked.push({ send, records });
      topic = send.topic;
      bytes += send.bytes;
      count += records.length;
    }
    if (picked.length > 0) {
      const taken = new Set(picked.map((p) => p.send));
      this.queue = this.queue.filter((s) => !taken.has(s));
      for (const { send, records } of picked) {
        this.queuedBytes -= send.bytes;
        for (const r of records) this.busy.add(tp(send.topic, r.partition));
      }
    }
    return picked;
  }

  private async run(sends: ReadySend[]): Promise<void> {
    this.inFlight++;
    const topic = sends[0].send.topic;
    try {
      try {
        const results = await this.call(
          topic,
          sends.flatMap((s) => s.records),
        );
        let at = 0;
        for (const { send, records } of sends) {
          send.settle.resolve(results.slice(at, at + records.length));
          at += records.length;
        }
      } catch (err) {
        if (sends.length > 1 && refusedWhole(err)) {
          // Nothing was written: find the send(s) at fault, in order, partitions still held.
          for (const { send, records } of sends) await this.call(topic, records).then(send.settle.resolve, send.settle.reject);
        } else for (const { send } of sends) send.settle.reject(err);
      }
    } finally {
      for (const { records } of sends) for (const r of records) this.busy.delete(tp(topic, r.partition));
      this.inFlight--;
      this.drain();
      this.checkIdle();
    }
  }

  private checkIdle(): void {
    if (this.queue.length > 0 || this.inFlight > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/** The broker answered and refused the request (4xx): as one transaction, it wrote nothing. */
function refusedWhole(err: unknown): err is BrookError {
  return isBrookError(err) && err.httpStatus >= 400 && err.httpStatus < 500;
}

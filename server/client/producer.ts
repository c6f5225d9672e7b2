import { randomUUID } from 'node:crypto';
import { partitionForKey, StickyPartitioner } from '../kernel/partitioning';
import { type BrookHttp, isBrookError, type RetryOptions } from './http';
import { encodeMessage, type Message, toBuffer } from './messages';
import { type EncodedRecord, type PendingSend, ProducePipeline } from './produce-pipeline';

export interface RecordMetadata {
  topicName: string;
  partition: number;
  /** The offset this message was written at. */
  offset: string;
}

export interface ProducerConfig {
  /** How long a send waits for others to share its request (ms; Kafka's linger.ms). Default 0: the sends of one event-loop turn share one. */
  lingerMs?: number;
  /** A request is sent once it holds about this many bytes (default 1 MiB). */
  batchSize?: number;
  /** Produce requests in flight at once (Kafka's max.in.flight.requests.per.connection; default 5). */
  maxInFlightRequests?: number;
  /** How long a topic's partition count is trusted (ms; default 5 min, as kafkajs' metadataMaxAge). */
  metadataMaxAge?: number;
  /**
   * Each produce request carries a fresh idempotency key (a random UUID), kept across its retries, so
   * Brook writes it exactly once however often it is sent (default true). false: at least once.
   */
  idempotent?: boolean;
  /**
   * Retries of a produce request after a transient failure (network error, no answer within
   * `requestTimeoutMs`, 502/503/504 with a retriable Kafka error), with capped exponential backoff and
   * full jitter. Defaults: 10 attempts, backoff from 100 ms doubling up to 2 s, none started after 30 s.
   * A non-retriable error rejects at once.
   */
  retry?: RetryOptions;
  /** An attempt unanswered after this long is abandoned and retried (ms; Kafka's request.timeout.ms, default 30 s). */
  requestTimeoutMs?: number;
}

/** The producer's retry budget: long enough to ride out a broker restart. */
export const PRODUCER_RETRY_DEFAULTS: Required<RetryOptions> = {
  attempts: 10,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
  maxElapsedMs: 30_000,
};

/**
 * kafkajs-style producer with Kafka's pipelining: concurrent sends share requests (a short linger), up
 * to `maxInFlightRequests` requests travel at once, and order per partition is kept. The producer picks
 * every record's partition itself, as Kafka's producer does (an explicit one; murmur2 of the key, the
 * broker's own function; else sticky), from the topic's partition count, so it knows which partitions
 * each request touches and never has two in flight touching the same one (ProducePipeline).
 *
 * Acknowledged means committed; a send is one transaction on the broker (it shares its request with
 * others, never splits), so a send that spans partitions is all or nothing. Every request has its own
 * idempotency key, reused by its retries: a send is written exactly once across retries, lost answers and
 * broker restarts (within the retry budget and Brook's BROOK_IDEMPOTENCY_WINDOW).
 */
export class Producer {
  private readonly pipeline: ProducePipeline;
  private readonly sticky = new StickyPartitioner();
  private readonly partitionCounts = new Map<string, { count: number; at: number }>();
  private readonly lookups = new Map<string, Promise<number>>();
  private readonly metadataMaxAge: number;
  private readonly idempotent: boolean;
  private readonly retry: Required<RetryOptions>;
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly http: BrookHttp,
    config: ProducerConfig = {},
  ) {
    this.metadataMaxAge = config.metadataMaxAge ?? 300_000;
    this.idempotent = config.idempotent ?? true;
    this.retry = { ...PRODUCER_RETRY_DEFAULTS, ...config.retry };
    this.requestTimeoutMs = config.requestTimeoutMs ?? 30_000;
    this.pipeline = new ProducePipeline(
      {
        lingerMs: config.lingerMs ?? 0,
        batchSize: config.batchSize ?? 1 << 20,
        maxInFlightRequests: Math.max(1, config.maxInFlightRequests ?? 5),
      },
      (topic, records) => this.produce(topic, records),
    );
  }

  /** Kept for kafkajs compatibility: there is no connection to open. */
  async connect(): Promise<void> {}

  /** Sends everything already queued and waits for its answers. */
  async disconnect(): Promise<void> {
    await this.pipeline.flush();
  }

  /** Resolves with each message's partition and offset, in the order given. */
  send({ topic, messages }: { topic: string; messages: Message[] }): Promise<RecordMetadata[]> {
    if (messages.length === 0) return Promise.resolve([]);
    return new Promise<Array<{ partition: number; offset: number }>>((resolve, reject) => {
      const encoded = messages.map(encodeMessage);
      const bytes = encoded.reduce((n, r) => n + 64 + (r.key?.length ?? 0) + (r.value?.length ?? 0) + headerBytes(r.headers), 0);
      const send: PendingSend = { topic, records: null, bytes, settle: { resolve, reject } };
      const needsCount = messages.some((m) => m.partition === undefined);
      const known = this.partitionCount(topic);
      if (!needsCount || known !== null) this.place(send, messages, encoded, known ?? 0);
      this.pipeline.push(send);
      if (send.records === null) this.lookUp(topic, (count) => this.place(send, messages, encoded, count));
    }).then((results) => results.map((r) => ({ topicName: topic, partition: r.partition, offset: String(r.offset) })));
  }

  async sendBatch({ topicMessages }: { topicMessages: Array<{ topic: string; messages: Message[] }> }): Promise<RecordMetadata[]> {
    return (await Promise.all(topicMessages.map((t) => this.send(t)))).flat();
  }

  /** Chooses each record's partition as the broker would (same murmur2, Kafka's sticky rule for null keys). */
  private place(send: PendingSend, messages: Message[], encoded: ReturnType<typeof encodeMessage>[], count: number): void {
    send.records = encoded.map((r, i): EncodedRecord => {
      const m = messages[i];
      if (m.partition !== undefined) return { ...r, partition: m.partition };
      const key = toBuffer(m.key);
      if (key !== null) return { ...r, partition: partitionForKey(key, count) };
      return { ...r, partition: this.sticky.next(send.topic, count, toBuffer(m.value)?.length ?? 0) };
    });
  }

  private partitionCount(topic: string): number | null {
    const known = this.partitionCounts.get(topic);
    return known && Date.now() - known.at < this.metadataMaxAge ? known.count : null;
  }

  /**
   * Looks the topic's partition count up once for all sends waiting on it; each waiting send's `place`
   * runs in call order (the sticky partitioner's state follows sends in order), then the pipeline moves.
   */
  private lookUp(topic: string, place: (count: number) => void): void {
    let lookup = this.lookups.get(topic);
    if (!lookup) {
      lookup = this.http.query('topics.get', { name: topic }).then((t) => {
        this.partitionCounts.set(topic, { count: t.partitions, at: Date.now() });
        return t.partitions;
      });
      lookup.then(
        () => this.pipeline.resolved(topic),
        (err) => this.pipeline.resolved(topic, err),
      );
      lookup.finally(() => this.lookups.delete(topic)).catch(() => {});
      this.lookups.set(topic, lookup);
    }
    // resolved() only schedules the drain (a later macrotask), so every waiting send is placed first.
    lookup.then(place, () => {});
  }

  private async produce(topic: string, records: EncodedRecord[]) {
    try {
      const input = { topic, encoding: 'base64' as const, records, idempotencyKey: this.idempotent ? randomUUID() : undefined };
      return (await this.http.mutate('records.produce', input, { retry: this.retry, timeoutMs: this.requestTimeoutMs })).results;
    } catch (err) {
      // Partitions added or the topic recreated: look its partition count up again next time.
      if (isBrookError(err, 'UNKNOWN_TOPIC_OR_PARTITION')) this.partitionCounts.delete(topic);
      throw err;
    }
  }
}

function headerBytes(headers: Array<{ key: string; value: string | null }>): number {
  let n = 0;
  for (const h of headers) n += 16 + h.key.length + (h.value?.length ?? 0);
  return n;
}

import type { BrookHttp } from './http';
import { isBrookError } from './http';
import { decodeMessage, type KafkaMessage } from './messages';

export interface Batch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
  firstOffset(): string | null;
  lastOffset(): string;
}

export interface FetchSettings {
  maxWaitTimeInMs: number;
  maxRecords: number;
  maxBytesPerPartition: number;
  retryBackoffMs: number;
  /** Where to start when the position is out of range (Kafka's auto.offset.reset). */
  resetTo: 'earliest' | 'latest';
}

/** Runs one batch; returns the offset after the last record it processed (or null for none). */
export type BatchRunner = (worker: PartitionWorker, batch: Batch) => Promise<number | null>;

/**
 * One owned partition: a long-poll fetch loop feeding records to the handler in order. `position` is
 * the next offset to fetch, `processed` the next offset to commit (everything before it was handled).
 * `stop` cancels the fetch in flight and waits for the record being processed, so a revoked partition
 * is let go only after its work is done.
 */
export class PartitionWorker {
  position: number;
  processed: number;
  committed: number | null;
  paused = false;
  private stopping = false;
  private abort = new AbortController();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
    start: { position: number; committed: number | null },
    private readonly http: BrookHttp,
    private readonly settings: FetchSettings,
    private readonly runBatch: BatchRunner,
    private readonly onError: (err: unknown) => void,
  ) {
    this.position = start.position;
    this.processed = start.position;
    this.committed = start.committed;
  }

  get key(): string {
    return `${this.topic}:${this.partition}`;
  }

  get running(): boolean {
    return !this.stopping;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.wake?.();
    await this.loop;
  }

  /** Moves the position (kafkajs `seek`); the next fetch starts there. */
  seek(offset: number): void {
    this.position = offset;
    this.processed = offset;
    this.restartFetch();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.restartFetch();
  }

  private restartFetch(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (this.paused) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      const signal = this.abort.signal;
      const from = this.position;
      let page;
      try {
        page = await this.http.query(
          'records.fetch',
          {
            topic: this.topic,
            partition: this.partition,
            offset: from,
            maxRecords: this.settings.maxRecords,
            maxBytes: this.settings.maxBytesPerPartition,
            maxWaitMs: this.settings.maxWaitTimeInMs,
            encoding: 'base64',
          },
          signal,
        );
      } catch (err) {
        if (signal.aborted) continue; // stopped, paused or seeked: the loop decides
        if (isBrookError(err, 'OFFSET_OUT_OF_RANGE')) {
          await this.resetPosition();
          continue;
        }
        this.onError(err);
        await this.sleep(this.settings.retryBackoffMs);
        continue;
      }
      if (signal.aborted || this.position !== from || page.records.length === 0) continue;
      const messages = page.records.map(decodeMessage);
      const batch: Batch = {
        topic: this.topic,
        partition: this.partition,
        highWatermark: String(page.highWatermark),
        messages,
        firstOffset: () => messages[0]?.offset ?? null,
        lastOffset: () => messages[messages.length - 1]?.offset ?? String(page.highWatermark - 1),
      };
      const next = await this.runBatch(this, batch);
      if (next !== null && this.position === from) {
        this.position = next;
        this.processed = Math.max(this.processed, next);
      }
    }
  }

  /** The committed or current position fell outside the log (retention): start over per the reset policy. */
  private async resetPosition(): Promise<void> {
    const r = await this.http.query('records.listOffsets', { topic: this.topic, partition: this.partition, spec: this.settings.resetTo });
    this.position = r.offset ?? 0;
    this.processed = this.position;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

import { sleep } from '../kernel/backoff';
import { tpKey } from '../kernel/topic-partition';
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

type Page = { records: Array<Parameters<typeof decodeMessage>[0]>; highWatermark: number };

export interface FetchSettings {
  maxRecords: number;
  maxBytesPerPartition: number;
  retryBackoffMs: number;
  /** Where to start when the position is out of range (Kafka's auto.offset.reset). */
  resetTo: 'earliest' | 'latest';
}

/** What a worker tells its consumer besides batches: errors it retries after, and each fetch's outcome. */
export interface WorkerReports {
  error(err: unknown): void;
  fetched(info: { numberOfRecords: number; highWatermark: string; duration: number }): void;
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
    private readonly report: WorkerReports,
  ) {
    this.position = start.position;
    this.processed = start.position;
    this.committed = start.committed;
  }

  get key(): string {
    return tpKey(this.topic, this.partition);
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

  /**
   * Two gears. Behind the log, it pages with plain fetches (the cheapest way through a backlog); once a
   * page comes back short (caught up), it switches to a live stream (records.tail over Server-Sent
   * Events: no request per batch, records arrive as they are committed), and back to paging if a
   * streamed batch comes full. Pausing, seeking or stopping closes the stream; the loop reopens it.
   */
  private async run(): Promise<void> {
    let streaming = false;
    while (!this.stopping) {
      if (this.paused) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      const signal = this.abort.signal;
      const request = {
        topic: this.topic,
        partition: this.partition,
        offset: this.position,
        maxRecords: this.settings.maxRecords,
        maxBytes: this.settings.maxBytesPerPartition,
        encoding: 'base64' as const,
      };
      try {
        let asked = Date.now();
        if (!streaming) {
          const page = await this.http.query('records.fetch', request, signal);
          this.fetched(page, asked);
          if (page.records.length > 0 && !(await this.deliver(page, signal))) continue;
          streaming = page.records.length < this.settings.maxRecords;
          continue;
        }
        for await (const page of this.http.subscribe('records.tail', request, signal)) {
          this.fetched(page, asked);
          asked = Date.now();
          if (!(await this.deliver(page, signal))) break;
          if (page.records.length >= this.settings.maxRecords) {
            streaming = false; // falling behind: page through the backlog instead
            break;
          }
        }
      } catch (err) {
        if (signal.aborted) continue; // stopped, paused or seeked: the loop decides
        streaming = false;
        if (isBrookError(err, 'OFFSET_OUT_OF_RANGE')) {
          await this.resetPosition();
          continue;
        }
        this.report.error(err);
        await this.sleep(this.settings.retryBackoffMs);
      }
    }
  }

  private fetched(page: Page, asked: number): void {
    this.report.fetched({ numberOfRecords: page.records.length, highWatermark: String(page.highWatermark), duration: Date.now() - asked });
  }

  /** Hands one page to the handler; false if the position moved otherwise or not all of it was handled. */
  private async deliver(page: Page, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    const from = this.position;
    const messages = page.records.map(decodeMessage);
    const last = page.records[page.records.length - 1].offset + 1;
    const batch: Batch = {
      topic: this.topic,
      partition: this.partition,
      highWatermark: String(page.highWatermark),
      messages,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => messages[messages.length - 1]?.offset ?? String(page.highWatermark - 1),
    };
    const next = await this.runBatch(this, batch);
    if (this.position !== from || signal.aborted) return false; // seeked or stopped meanwhile
    if (next !== null) {
      this.position = next;
      this.processed = Math.max(this.processed, next);
    }
    return next === last;
  }

  /** The committed or current position fell outside the log (retention): start over per the reset policy. */
  private async resetPosition(): Promise<void> {
    const r = await this.http.query('records.listOffsets', { topic: this.topic, partition: this.partition, spec: this.settings.resetTo });
    this.position = r.offset ?? 0;
    this.processed = this.position;
  }

  private sleep(ms: number): Promise<void> {
    const woken = new AbortController();
    this.wake = () => woken.abort();
    return sleep(ms, woken.signal);
  }
}

import { sleep } from '../kernel/backoff';
import { CONSUMER_EVENTS, type ConsumerEmitter } from './consumer-events';
import type { KafkaMessage } from './messages';
import type { Batch, PartitionWorker } from './partition-worker';

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

export type Processing = Required<Omit<RunConfig, 'eachMessage' | 'eachBatch'>> & Pick<RunConfig, 'eachMessage' | 'eachBatch'>;

/** What the processor needs of its consumer. */
export interface ProcessorHooks {
  emitter: ConsumerEmitter;
  retryBackoffMs: number;
  heartbeat(): Promise<void>;
  commit(w: PartitionWorker): Promise<void>;
  /** Pauses the worker's partition; returns the function that resumes it. */
  pause(w: PartitionWorker): () => void;
}

/**
 * Hands batches to the user's eachMessage or eachBatch, at most `partitionsConsumedConcurrently`
 * partitions at once, and reports START/END_BATCH_PROCESS. At least once: a handler that throws gets
 * the same record again after `retryBackoffMs`.
 */
export class BatchProcessor {
  config: Processing = { autoCommit: true, autoCommitInterval: 5000, partitionsConsumedConcurrently: 1, eachBatchAutoResolve: true };
  private slotsInUse = 0;
  private readonly slotQueue: Array<() => void> = [];

  constructor(private readonly hooks: ProcessorHooks) {}

  /** Runs one batch; returns the offset after the last record processed (null for none). */
  async run(w: PartitionWorker, batch: Batch): Promise<number | null> {
    await this.acquireSlot();
    const last = batch.lastOffset();
    const info = {
      topic: batch.topic,
      partition: batch.partition,
      highWatermark: batch.highWatermark,
      offsetLag: String(Math.max(0, Number(batch.highWatermark) - Number(last) - 1)),
      batchSize: batch.messages.length,
      firstOffset: batch.firstOffset(),
      lastOffset: last,
    };
    const started = Date.now();
    this.hooks.emitter.emit(CONSUMER_EVENTS.START_BATCH_PROCESS, info);
    try {
      const { eachBatch, eachMessage } = this.config;
      if (eachBatch) return await this.eachBatch(eachBatch, w, batch);
      return eachMessage ? await this.eachMessage(eachMessage, w, batch) : null;
    } finally {
      this.releaseSlot();
      this.hooks.emitter.emit(CONSUMER_EVENTS.END_BATCH_PROCESS, { ...info, duration: Date.now() - started });
    }
  }

  private async eachMessage(handler: NonNullable<RunConfig['eachMessage']>, w: PartitionWorker, batch: Batch): Promise<number | null> {
    let next: number | null = null;
    for (const message of batch.messages) {
      if (!w.running || w.paused) break;
      for (;;) {
        try {
          await handler({
            topic: batch.topic,
            partition: batch.partition,
            message,
            heartbeat: () => this.hooks.heartbeat(),
            pause: () => this.hooks.pause(w),
          });
          break;
        } catch (err) {
          // At least once: the record is handed again after a pause, never skipped.
          this.hooks.emitter.error(err);
          if (!w.running) return next;
          await this.backoff();
        }
      }
      next = Number(message.offset) + 1;
      w.processed = next;
    }
    return next;
  }

  private async eachBatch(handler: NonNullable<RunConfig['eachBatch']>, w: PartitionWorker, batch: Batch): Promise<number | null> {
    let resolved: number | null = null;
    const resolve = (offset: string | number) => {
      resolved = Number(offset) + 1;
      w.processed = Math.max(w.processed, resolved);
    };
    try {
      await handler({
        batch,
        resolveOffset: resolve,
        heartbeat: () => this.hooks.heartbeat(),
        commitOffsetsIfNecessary: () => this.hooks.commit(w),
        isRunning: () => w.running,
        isStale: () => !w.running,
        pause: () => this.hooks.pause(w),
      });
      if (this.config.eachBatchAutoResolve && batch.messages.length > 0) resolve(batch.lastOffset());
    } catch (err) {
      this.hooks.emitter.error(err);
      await this.backoff();
    }
    return resolved;
  }

  private backoff(): Promise<void> {
    return sleep(this.hooks.retryBackoffMs);
  }

  private acquireSlot(): Promise<void> {
    if (this.slotsInUse < Math.max(1, this.config.partitionsConsumedConcurrently)) {
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
}

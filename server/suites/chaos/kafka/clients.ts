import type { Commit, KafkaAck, MemberAtEnd, Processed } from './checker';

/** What the run needs of each producer, whichever client it is. */
export interface ProducerHandle {
  readonly name: string;
  readonly idempotent: boolean;
  readonly acks: KafkaAck[];
  readonly fatal: string[];
  deliveryFailures: number;
  /** Non-fatal errors the client reported (librdkafka's error_cb, kafkajs send failures). */
  errors: number;
  lastError: string;
  /** Every id it sent, in send order. */
  sent(): string[];
  /** The time of its latest acknowledgement (0: none yet). */
  lastAckAt(): number;
  start(): Promise<void>;
  /** Stops sending and waits until everything sent has its answer (or the client gave up on it). */
  stop(): Promise<void>;
  /** For a run that stops early. */
  kill(): Promise<void>;
  /** The client's own last words, for a failed run (stderr of a Python client). */
  diagnostics(): string[];
}

/** What the run needs of each consumer group. */
export interface GroupHandle {
  readonly name: string;
  readonly groupId: string;
  readonly processed: Processed[];
  readonly commits: Commit[];
  readonly fatal: string[];
  /** Assignments seen (each member's, each rebalance). */
  assignments: number;
  errors: number;
  lastError: string;
  start(): Promise<void>;
  /** Whether every offset below each partition's high watermark has been processed at least once. */
  caughtUp(highWatermarks: ReadonlyArray<{ partition: number; highWatermark: number }>): boolean;
  /** Each member as it is now: alive, and which partitions it holds. */
  members(): MemberAtEnd[];
  /** Its members close (a last commit) and leave the group. */
  stop(): Promise<void>;
  kill(): Promise<void>;
  diagnostics(): string[];
}

/** Per partition, the offsets processed so far and the first one not processed yet. */
export class Coverage {
  private readonly partitions = new Map<number, { offsets: Set<number>; next: number }>();

  add(partition: number, offset: number): void {
    const c = this.partitions.get(partition) ?? { offsets: new Set<number>(), next: 0 };
    this.partitions.set(partition, c);
    c.offsets.add(offset);
  }

  covers(highWatermarks: ReadonlyArray<{ partition: number; highWatermark: number }>): boolean {
    return highWatermarks.every(({ partition, highWatermark }) => {
      const c = this.partitions.get(partition);
      if (!c) return highWatermark === 0;
      while (c.offsets.has(c.next)) c.next++;
      return c.next >= highWatermark;
    });
  }
}

export const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

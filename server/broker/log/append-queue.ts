import type { KeyedOutcome, KeyedRequest } from '../idempotency/append-keyed';
import type { AppendBatch, AppendResult } from './append';

/**
 * Write coalescing. Concurrent single-partition appends that reach one partition in this process are
 * merged into one transaction: while a partition's transaction is in flight, new batches wait and then
 * go together in the next one. 64 clients sending one record each pay a handful of commits, not 64.
 * Multi-partition requests keep their own transaction (they must be atomic as a whole). Batches of
 * idempotent producers share the transaction but keep their own outcome (see appendSeparately).
 *
 * This only batches work; it enforces nothing. Ordering and density of offsets come from the watermark
 * row lock in Postgres, so several processes appending to one partition stay correct.
 */
export interface AppendQueueOptions {
  coalesce: boolean;
  /** Upper bounds of one merged transaction. */
  maxRecords: number;
  maxBytes: number;
}

type AppendFn = (batches: readonly AppendBatch[]) => Promise<AppendResult[]>;
type AppendKeyedFn = (requests: readonly KeyedRequest[]) => Promise<KeyedOutcome[]>;

type Waiting =
  | { batch: AppendBatch; keyed?: undefined; resolve: (r: AppendResult) => void; reject: (err: unknown) => void }
  | { batch: AppendBatch; keyed: KeyedRequest; resolve: (r: KeyedOutcome) => void; reject: (err: unknown) => void };

export class AppendQueue {
  private readonly waiting = new Map<number, Waiting[]>();
  private readonly flushing = new Set<number>();
  private readonly idle: Array<() => void> = [];

  constructor(
    private readonly appendFn: AppendFn,
    private readonly options: AppendQueueOptions,
    private readonly appendKeyedFn?: AppendKeyedFn,
  ) {}

  /**
   * `queued` is called once the batches' place in their partition's order is fixed: at once when they
   * join the partition's queue (first in, first appended), after the transaction otherwise (several
   * partitions, or coalescing off: concurrent transactions take the partition's lock in no set order).
   */
  append(batches: readonly AppendBatch[], queued?: () => void): Promise<AppendResult[]> {
    if (batches.length !== 1 || !this.options.coalesce) {
      const done = this.appendFn(batches);
      if (queued) done.then(queued, queued);
      return done;
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.enqueue({ batch: batches[0], resolve, reject });
      queued?.();
    }).then((r) => [r]);
  }

  /** A request with an idempotency key: written with its key row, or answered with the key's stored result. */
  appendKeyed(request: KeyedRequest): Promise<KeyedOutcome> {
    const fn = this.appendKeyedFn;
    if (!fn) throw new Error('Broken invariant: this append queue takes no idempotency keys');
    if (request.batches.length !== 1 || !this.options.coalesce) return fn([request]).then(([o]) => o);
    return new Promise<KeyedOutcome>((resolve, reject) => this.enqueue({ batch: request.batches[0], keyed: request, resolve, reject }));
  }

  private enqueue(w: Waiting): void {
    const pid = w.batch.partitionId;
    const list = this.waiting.get(pid);
    if (list) list.push(w);
    else this.waiting.set(pid, [w]);
    if (!this.flushing.has(pid)) {
      this.flushing.add(pid);
      // Let callers arriving in this same tick join the first transaction.
      queueMicrotask(() => void this.flush(pid));
    }
  }

  /** Resolves once nothing is queued or in flight (used on shutdown). */
  drained(): Promise<void> {
    if (this.flushing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async flush(pid: number): Promise<void> {
    for (;;) {
      const queue = this.waiting.get(pid);
      if (!queue || queue.length === 0) break;
      const taken = this.take(queue);
      if (queue.length === 0) this.waiting.delete(pid);

      try {
        if (taken[0].keyed) await this.appendKeyedTogether(taken);
        else if (taken.some((w) => w.batch.producer)) await this.appendSeparately(taken);
        else await this.appendMerged(pid, taken);
      } catch (err) {
        for (const w of taken) w.reject(err);
      }
    }
    this.flushing.delete(pid);
    if (this.flushing.size === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Plain batches: one batch of all their records, offsets handed out in arrival order. */
  private async appendMerged(pid: number, taken: Waiting[]): Promise<void> {
    const first = taken[0].batch;
    const merged: AppendBatch = {
      partitionId: pid,
      records: taken.length === 1 ? first.records : taken.flatMap((w) => w.batch.records),
      bytes: taken.reduce((n, w) => n + w.batch.bytes, 0),
      segmentCapacity: first.segmentCapacity,
    };
    const [result] = await this.appendFn([merged]);
    let base = result.baseOffset;
    for (const w of taken) {
      if (!w.keyed) w.resolve({ partitionId: pid, baseOffset: base, highWatermark: result.highWatermark });
      base += w.batch.records.length;
    }
  }

  /** Requests with idempotency keys, one transaction for all, one outcome each. */
  private async appendKeyedTogether(taken: Waiting[]): Promise<void> {
    const requests = taken.flatMap((w) => (w.keyed ? [w.keyed] : []));
    const outcomes = await (this.appendKeyedFn as AppendKeyedFn)(requests);
    taken.forEach((w, i) => {
      if (w.keyed) w.resolve(outcomes[i]);
    });
  }

  /**
   * With idempotent producers' batches among them: kept apart in one transaction, because each has its
   * own outcome (written, a duplicate answered with its first offsets, or refused) and one batch's
   * refusal must neither fail nor duplicate the others.
   */
  private async appendSeparately(taken: Waiting[]): Promise<void> {
    const results = await this.appendFn(taken.map((w) => w.batch));
    taken.forEach((w, i) => {
      const r = results[i];
      if (r.error) w.reject(r.error);
      else if (!w.keyed) w.resolve(r);
    });
  }

  /**
   * Takes waiting batches in arrival order up to the transaction bounds (always at least one), all with
   * idempotency keys or all without: the two kinds go in different transactions.
   */
  private take(queue: Waiting[]): Waiting[] {
    let records = 0;
    let bytes = 0;
    let n = 0;
    const keyed = queue[0].keyed !== undefined;
    while (n < queue.length) {
      const b = queue[n].batch;
      if (n > 0 && (queue[n].keyed !== undefined) !== keyed) break;
      if (n > 0 && (records + b.records.length > this.options.maxRecords || bytes + b.bytes > this.options.maxBytes)) break;
      records += b.records.length;
      bytes += b.bytes;
      n++;
    }
    return queue.splice(0, n);
  }
}

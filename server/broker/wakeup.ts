import type { Database } from '@/db/client';
import { APPEND_CHANNEL } from './log/statements';

interface Waiter {
  offset: number;
  wake: () => void;
}

/**
 * Long-poll support: lets a fetch wait until a partition's high watermark passes an offset.
 *
 * Three sources move it: appends committed by this process (immediately), NOTIFY from any process (one
 * per partition per transaction), and a bounded re-check that reads the watermarks of partitions that
 * have waiters, so delivery never depends on a notification arriving.
 *
 * It is also where server-side waits end at shutdown (`shutdown()`): the process's drain must not be
 * held by a long-poll or by a group call waiting for members (`waitForGroup`), whatever transport
 * (HTTP, the Kafka listener) the call came through.
 */
export class Wakeup {
  private readonly waiters = new Map<number, Set<Waiter>>();
  private readonly groupWaiters = new Map<string, Set<() => void>>();
  private readonly closing = new AbortController();
  /** Highest watermark seen per partition; closes the gap between a read and registering a waiter. */
  private readonly known = new Map<number, number>();
  private unlisten: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private rechecking = false;

  constructor(
    private readonly db: Database,
    private readonly recheckMs = 500,
  ) {}

  async start(): Promise<void> {
    if (this.unlisten) return;
    this.unlisten = await this.db.listen(APPEND_CHANNEL, (payload) => {
      const sep = payload.indexOf(':');
      const pid = Number(payload.slice(0, sep));
      const hw = Number(payload.slice(sep + 1));
      if (Number.isFinite(pid) && Number.isFinite(hw)) this.advanced(pid, hw);
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.shutdown();
    const unlisten = this.unlisten;
    this.unlisten = null;
    if (unlisten) await unlisten().catch(() => {});
  }

  /** Aborted once the process is shutting down: a server-side wait can follow it (or use waitForGroup). */
  get closingSignal(): AbortSignal {
    return this.closing.signal;
  }

  /**
   * The process is stopping: every wait in progress returns now, so requests answer with what they
   * have and the drain is not held. Partition waits started later wait as usual (a caller that loops,
   * such as a tail, must not spin: it ends on its request's signal); group waits started later return
   * at once (a join answered now is retried by its client against another process).
   */
  shutdown(): void {
    this.closing.abort();
    for (const set of this.waiters.values()) for (const w of set) w.wake();
    this.waiters.clear();
    for (const set of this.groupWaiters.values()) for (const wake of set) wake();
    this.groupWaiters.clear();
  }

  /** Something in `groupId` changed in this process (a member joined, synced or left): wake its waiters. */
  groupChanged(groupId: string): void {
    const set = this.groupWaiters.get(groupId);
    this.groupWaiters.delete(groupId);
    if (set) for (const wake of set) wake();
  }

  /**
   * A group call's server-side wait (a join waiting for the other members, a sync for the assignment):
   * resolves on `groupChanged(groupId)`, after `timeoutMs`, on `signal`, or at shutdown. The caller
   * re-reads the group under its row lock after every return (another process changes it unseen: keep
   * `timeoutMs` short enough to serve as the bounded re-check).
   */
  waitForGroup(groupId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (timeoutMs <= 0 || signal?.aborted || this.closing.signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timeout);
        signal?.removeEventListener('abort', remove);
        resolve();
      };
      const remove = () => {
        const set = this.groupWaiters.get(groupId);
        set?.delete(wake);
        if (set?.size === 0) this.groupWaiters.delete(groupId);
        wake();
      };
      const timeout = setTimeout(remove, timeoutMs);
      signal?.addEventListener('abort', remove, { once: true });
      const set = this.groupWaiters.get(groupId) ?? new Set<() => void>();
      this.groupWaiters.set(groupId, set);
      set.add(wake);
    });
  }

  /** A partition's high watermark is now `highWatermark`: wake everyone waiting below it. */
  advanced(partitionId: number, highWatermark: number): void {
    if ((this.known.get(partitionId) ?? -1) < highWatermark) this.known.set(partitionId, highWatermark);
    const set = this.waiters.get(partitionId);
    if (!set) return;
    for (const w of set) {
      if (w.offset < highWatermark) {
        set.delete(w);
        w.wake();
      }
    }
    if (set.size === 0) this.waiters.delete(partitionId);
  }

  /**
   * Resolves once the high watermark is above `offset`, after `timeoutMs`, or on `signal`. A duration,
   * not a deadline: the caller measures time on the broker's clock (`now`), and a deadline from that
   * clock compared with this process's clock waited hours or busy-looped when the two disagreed.
   */
  waitFor(partitionId: number, offset: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if ((this.known.get(partitionId) ?? -1) > offset) return Promise.resolve();
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        offset,
        wake: () => {
          clearTimeout(timeout);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const remove = () => {
        const set = this.waiters.get(partitionId);
        set?.delete(waiter);
        if (set?.size === 0) this.waiters.delete(partitionId);
        waiter.wake();
      };
      const onAbort = () => remove();
      const timeout = setTimeout(remove, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      const set = this.waiters.get(partitionId) ?? new Set<Waiter>();
      this.waiters.set(partitionId, set);
      set.add(waiter);
      this.ensureRecheck();
    });
  }

  /**
   * Resolves once any of the partitions' high watermarks is above its offset, after `timeoutMs`, or on
   * `signal`: the one multi-partition long poll (Kafka's Fetch, the live tail). The other waits end with it.
   */
  async waitForAny(
    positions: ReadonlyArray<{ partitionId: number; offset: number }>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<void> {
    if (positions.length === 0 || signal?.aborted) return;
    const done = new AbortController();
    const stop = () => done.abort();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await Promise.race(positions.map((p) => this.waitFor(p.partitionId, p.offset, timeoutMs, done.signal)));
    } finally {
      done.abort();
      signal?.removeEventListener('abort', stop);
    }
  }

  private ensureRecheck(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.recheck(), this.recheckMs);
    this.timer.unref?.();
  }

  private async recheck(): Promise<void> {
    if (this.waiters.size === 0) {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      return;
    }
    if (this.rechecking) return;
    this.rechecking = true;
    try {
      const rows = await this.db.query<{ id: number; high_watermark: number }>(
        `SELECT id, high_watermark FROM topic_partitions WHERE id = ANY($1::int[])`,
        [[...this.waiters.keys()]],
      );
      for (const r of rows) this.advanced(r.id, r.high_watermark);
    } catch {
      // A failed re-check is retried on the next tick; waiters still time out at their deadline.
    } finally {
      this.rechecking = false;
    }
  }
}

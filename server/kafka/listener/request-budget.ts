/**
 * Bytes of requests read and not yet answered, across every connection of a listener (Kafka's
 * queued.max.request.bytes). Without it, N connections with 100 requests of up to 100 MB each in flight
 * could hold N x 10 GB. A connection that cannot take a frame's bytes stops reading until another request
 * is answered; a frame larger than the whole budget still goes through when nothing else is held, so no
 * valid request waits forever.
 */
export class RequestBudget {
  private used = 0;
  private readonly waiters = new Set<() => void>();

  constructor(readonly limit: number) {}

  /** Takes `bytes` if they fit (or nothing else is held); false: call `wait` and try again when woken. */
  take(bytes: number): boolean {
    if (this.used > 0 && this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wake of woken) wake();
  }

  /** Calls `wake` once, after the next `give`; the returned function cancels it. */
  wait(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  get held(): number {
    return this.used;
  }
}

/**
 * Bytes of requests being read or not yet answered, across every connection of a listener (Kafka's
 * queued.max.request.bytes). A connection reserves a frame's declared size as soon as its 4-byte prefix is
 * in, before the body arrives (as Kafka's memory pool does), so N sockets sending most of a large frame
 * hold the budget, not N x the frame cap. A connection that cannot reserve stops reading until another
 * request is answered; a frame larger than the whole budget still goes through when nothing else is held,
 * so no valid request waits forever.
 *
 * Small frames (up to `smallFrameBytes`, the size of ordinary requests: Kafka clients' max.request.size is
 * 1 MB) may go `headroomBytes` beyond the limit: clients stalling large half-sent frames can fill the
 * budget, but the requests of everyone else still get through.
 */
export class RequestBudget {
  private used = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly limit: number,
    readonly headroomBytes = 0,
    readonly smallFrameBytes = 1_048_576,
  ) {}

  /** Takes `bytes` if they fit (or nothing else is held); false: call `wait` and try again when woken. */
  take(bytes: number): boolean {
    const room = bytes <= this.smallFrameBytes ? this.limit + this.headroomBytes : this.limit;
    if (this.used > 0 && this.used + bytes > room) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    if (bytes === 0) return;
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

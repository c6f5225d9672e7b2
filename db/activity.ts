import { databaseLost } from './transient';

/**
 * What liveness needs to know about the database adapter: when the database last answered, and whether
 * calls are waiting or failing to reach it. Kept by the adapter around every call, on both drivers.
 */
export interface DatabaseActivity {
  /** When a call last got an answer from the database (ms since epoch; an SQL error is an answer too). */
  lastAnswerAt: number;
  /** When a call last failed to reach the database (connection refused, lost, timed out), or 0. */
  lastUnreachableAt: number;
  /**
   * Since when the database has been answering without a break: the first answer after the last time it
   * could not be reached, or when the adapter was opened; now, while it cannot be reached. Deadlines that
   * clients cannot meet while the database is away (group sessions) are measured from here.
   */
  reachableSince: number;
  /** Calls in progress now, and since when the oldest of them has been waiting (or null). */
  inFlight: number;
  oldestInFlightSince: number | null;
}

export class ActivityTracker {
  private lastAnswerAt: number;
  private lastUnreachableAt = 0;
  private reachableSince: number;
  private readonly started = new Map<number, number>();
  private nextId = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.lastAnswerAt = now();
    this.reachableSince = this.lastAnswerAt;
  }

  async track<T>(call: () => Promise<T>): Promise<T> {
    const id = this.nextId++;
    this.started.set(id, this.now());
    try {
      const result = await call();
      this.answered();
      return result;
    } catch (err) {
      if (databaseLost(err)) this.lastUnreachableAt = this.now();
      else this.answered();
      throw err;
    } finally {
      this.started.delete(id);
    }
  }

  private answered(): void {
    const at = this.now();
    if (this.lastUnreachableAt > this.lastAnswerAt) this.reachableSince = at; // the first answer after an outage
    this.lastAnswerAt = at;
  }

  snapshot(): DatabaseActivity {
    let oldest: number | null = null;
    for (const t of this.started.values()) if (oldest === null || t < oldest) oldest = t;
    return {
      lastAnswerAt: this.lastAnswerAt,
      lastUnreachableAt: this.lastUnreachableAt,
      // While it cannot be reached, the clock can restart no earlier than now (the next answer is later).
      reachableSince: this.lastUnreachableAt > this.lastAnswerAt ? this.now() : this.reachableSince,
      inFlight: this.started.size,
      oldestInFlightSince: oldest,
    };
  }
}

export const DEFAULT_LIVENESS_TIMEOUT_MS = 60_000;

/**
 * Liveness: the process can still serve unless the database has not answered for `timeoutMs` while calls
 * wait for it or fail to reach it. An idle process with nothing to ask stays live. A restart is the cure
 * this verdict asks an orchestrator for, so it stays patient: readiness reports short outages.
 */
export function liveness(a: DatabaseActivity, now: number, timeoutMs = DEFAULT_LIVENESS_TIMEOUT_MS): { live: boolean; reason: string } {
  const silentFor = now - a.lastAnswerAt;
  if (silentFor <= timeoutMs) return { live: true, reason: 'the database answered recently' };
  if (a.oldestInFlightSince !== null && now - a.oldestInFlightSince > timeoutMs) {
    return { live: false, reason: `a database call has waited more than ${timeoutMs} ms with no answer from the database` };
  }
  if (a.lastUnreachableAt > a.lastAnswerAt) {
    return { live: false, reason: `the database has been unreachable for more than ${timeoutMs} ms` };
  }
  return { live: true, reason: 'idle: no database call is waiting or failing' };
}

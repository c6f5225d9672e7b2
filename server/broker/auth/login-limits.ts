import type { Database } from '@/db/client';
import { BrokerError } from '../errors';

export interface LoginLimits {
  /** Failed attempts per attempted user name within the window before its attempts are throttled. */
  perUser: number;
  /** Failed attempts per client address within the window before its attempts are refused. */
  perAddress: number;
  windowMs: number;
  /** A throttled name's first delay; it doubles with each further failure, up to `maxDelayMs`. */
  baseDelayMs: number;
  /** Small, so that the owner of a name under attack always gets in within it. */
  maxDelayMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perUser: 5,
  perAddress: 20,
  windowMs: 15 * 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
};

/** Attempted names are client text: the counter's key is bounded. */
const MAX_KEY = 200;

/** An attempt refused by the limits: when to come back, and which limit (a name's delay or an address's limit). */
export class LoginThrottled extends BrokerError {
  constructor(
    readonly retryAt: number,
    readonly limit: 'user' | 'address',
    now: number,
  ) {
    const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
    const what = limit === 'user' ? 'for this user name' : 'from this address';
    super(
      'THROTTLING_QUOTA_EXCEEDED',
      `Too many failed logins ${what}: try again in ${seconds} s (after ${new Date(retryAt).toISOString()}).`,
    );
  }
}

/** The address window to hand back on success, or null without an address. */
export interface CountedAttempt {
  address: number | null;
}

/**
 * The failed-login limits, in Postgres so that every Brook process shares them.
 *
 * Per address: every attempt counts itself as a failure before the password is checked (one atomic upsert,
 * so concurrent attempts from any number of processes each count), a success or a name's "wait" takes its
 * count back, and past `perAddress` in a fixed window the address is refused until the window ends. This
 * hurts only the address.
 *
 * Per user name: throttled, never locked. Past `perUser` failures, each failure sets the name's
 * `next_allowed_at` to now + min(base x 2^k, maxDelayMs). An attempt before then is told to wait and is not
 * checked (the answer is the same whatever the password, so it reveals nothing); an attempt after it claims
 * the name (atomically: it counts as a failure and sets the next delay before the check) and a right
 * password then clears the name. So the delay never grows past `maxDelayMs`, and waiting it out is always
 * enough for the owner, whoever else is guessing. The name's window slides: it ends `windowMs` after its
 * last attempt.
 */
export class LoginLimiter {
  constructor(
    private readonly db: Database,
    readonly limits: LoginLimits,
  ) {}

  /**
   * Counts an attempt against the address and, unless `username` is null (a token: not guessable), claims
   * the name. Throws LoginThrottled if either refuses.
   */
  async attempt(username: string | null, address: string | null, now: number): Promise<CountedAttempt> {
    let addressWindow: number | null = null;
    if (address !== null) {
      const [row] = await this.db.query<{ window_start: number; failures: number }>(
        `INSERT INTO login_failures AS f (scope, key, window_start, failures) VALUES ('address', $1, $2, 1)
         ON CONFLICT (scope, key) DO UPDATE SET
           window_start = CASE WHEN f.window_start <= $2::bigint - $3::bigint THEN EXCLUDED.window_start ELSE f.window_start END,
           failures = CASE WHEN f.window_start <= $2::bigint - $3::bigint THEN 1 ELSE f.failures + 1 END
         RETURNING window_start, failures`,
        [address.slice(0, MAX_KEY), now, this.limits.windowMs],
        { name: 'auth.limit_address' },
      );
      addressWindow = Number(row.window_start);
      if (row.failures > this.limits.perAddress) throw new LoginThrottled(addressWindow + this.limits.windowMs, 'address', now);
    }
    if (username !== null) {
      try {
        await this.claimName(username.slice(0, MAX_KEY), now);
      } catch (err) {
        // Told to wait, unchecked: not the address's failure. A client that keeps retrying its owner's
        // name (a service's reconnect loop) must not get its own address refused for 15 minutes.
        if (address !== null && addressWindow !== null) await this.giveBack(address, addressWindow);
        throw err;
      }
    }
    return { address: addressWindow };
  }

  /** The delay after the n-th failure in the name's window (SQL over `n`, a column expression). */
  private delaySql(n: string): string {
    const { perUser, baseDelayMs, maxDelayMs } = this.limits;
    return `CASE WHEN ${n} <= ${perUser} THEN 0
      ELSE LEAST(${maxDelayMs}, ${baseDelayMs} * power(2, LEAST(${n} - ${perUser} - 1, 40)))::bigint END`;
  }

  /**
   * The name's turn: an UPDATE that only matches once `next_allowed_at` has passed (or the window ended), so
   * of concurrent attempts after it exactly one claims; a first failure inserts the row. Otherwise the row
   * says until when to wait.
   */
  private async claimName(key: string, now: number): Promise<void> {
    const { windowMs } = this.limits;
    const expired = `window_start <= $2::bigint - $3::bigint`;
    const n = `(CASE WHEN ${expired} THEN 1 ELSE failures + 1 END)`;
    for (let round = 0; round < 3; round++) {
      const claimed = await this.db.query(
        `UPDATE login_failures SET failures = ${n}, window_start = $2, next_allowed_at = $2::bigint + ${this.delaySql(n)}
         WHERE scope = 'user' AND key = $1 AND (next_allowed_at <= $2::bigint OR ${expired})
         RETURNING 1`,
        [key, now, windowMs],
        { name: 'auth.limit_claim_user' },
      );
      if (claimed.length > 0) return;
      const inserted = await this.db.query(
        `INSERT INTO login_failures (scope, key, window_start, failures, next_allowed_at)
         VALUES ('user', $1, $2, 1, $2::bigint + ${this.delaySql('1')}) ON CONFLICT (scope, key) DO NOTHING RETURNING 1`,
        [key, now],
        { name: 'auth.limit_first_user' },
      );
      if (inserted.length > 0) return;
      const retryAt = await this.nextAllowedAt(key, now);
      if (retryAt !== null) throw new LoginThrottled(retryAt, 'user', now);
      // The row went (a success cleared it, or an unlock) between the two statements: try again.
    }
    throw new LoginThrottled(now + this.limits.baseDelayMs, 'user', now);
  }

  /** When the name's next attempt will be checked, if that is after `now`; null if it may try now. */
  async nextAllowedAt(username: string, now: number): Promise<number | null> {
    const [row] = await this.db.query<{ next_allowed_at: number }>(
      `SELECT next_allowed_at FROM login_failures
       WHERE scope = 'user' AND key = $1 AND next_allowed_at > $2::bigint AND window_start > $2::bigint - $3::bigint`,
      [username.slice(0, MAX_KEY), now, this.limits.windowMs],
      { name: 'auth.limit_user_status' },
    );
    return row ? Number(row.next_allowed_at) : null;
  }

  /** Throws LoginThrottled while the name's delay runs (a read: nothing is counted). */
  async check(username: string, now: number): Promise<void> {
    const retryAt = await this.nextAllowedAt(username, now);
    if (retryAt !== null) throw new LoginThrottled(retryAt, 'user', now);
  }

  /** A success: the name's failures are cleared (`username` null: a token, the name was not claimed) and the address's count taken back. */
  async succeeded(username: string | null, address: string | null, counted: CountedAttempt): Promise<void> {
    if (username !== null) await this.clear(username);
    if (address !== null && counted.address !== null) await this.giveBack(address, counted.address);
  }

  private async giveBack(address: string, window: number): Promise<void> {
    await this.db.query(
      `UPDATE login_failures SET failures = failures - 1 WHERE scope = 'address' AND key = $1 AND window_start = $2 AND failures > 0`,
      [address.slice(0, MAX_KEY), window],
      { name: 'auth.limit_return_address' },
    );
  }

  /** Forgets a user name's failures and delay (a success, or an admin's `users unlock`); true if it had any. */
  async clear(username: string): Promise<boolean> {
    const rows = await this.db.query(
      `DELETE FROM login_failures WHERE scope = 'user' AND key = $1 RETURNING 1`,
      [username.slice(0, MAX_KEY)],
      {
        name: 'auth.limit_clear_user',
      },
    );
    return rows.length > 0;
  }

  /** Counters whose window has passed. */
  async prune(now: number): Promise<number> {
    const rows = await this.db.query(`DELETE FROM login_failures WHERE window_start <= $1 RETURNING 1`, [now - this.limits.windowMs], {
      name: 'auth.limit_prune',
    });
    return rows.length;
  }
}

import type { Database } from '@/db/client';

export interface LoginLimits {
  /** Failed attempts per attempted user name within the window before further attempts are refused. */
  perUser: number;
  /** The same per client address. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 5, perAddress: 20, windowMs: 15 * 60_000 };

/** Attempted names are client text: the counter's key is bounded. */
const MAX_KEY = 200;

interface CounterRow {
  scope: 'user' | 'address';
  window_start: number;
  failures: number;
}

/**
 * The failed-login rate limit, in Postgres so that every Brook process shares it. Each attempt first
 * counts itself as a failure with one upsert per scope (atomic, so concurrent attempts from any number of
 * processes each count) and only then is the password checked; a success takes its count back. Windows are
 * fixed from their first failure, so attempts while locked do not extend the lock.
 */
export class LoginLimiter {
  constructor(
    private readonly db: Database,
    readonly limits: LoginLimits,
  ) {}

  /** Counts an attempt. Returns when the caller may retry if it is over a limit, else the windows to hand back on success. */
  async attempt(
    username: string,
    address: string | null,
    now: number,
  ): Promise<{ retryAt: number } | { user: number; address: number | null }> {
    const { perUser, perAddress, windowMs } = this.limits;
    // Rows in a fixed order (user, then address) so that concurrent upserts never wait on each other in a cycle.
    const rows = await this.db.query<CounterRow>(
      `INSERT INTO login_failures AS f (scope, key, window_start, failures)
       SELECT scope, key, $3::bigint, 1 FROM (VALUES (1, 'user', $1::text), (2, 'address', $2::text)) v(n, scope, key)
       WHERE key IS NOT NULL ORDER BY n
       ON CONFLICT (scope, key) DO UPDATE SET
         window_start = CASE WHEN f.window_start <= $3::bigint - $4::bigint THEN EXCLUDED.window_start ELSE f.window_start END,
         failures = CASE WHEN f.window_start <= $3::bigint - $4::bigint THEN 1 ELSE f.failures + 1 END
       RETURNING scope, window_start, failures`,
      [username.slice(0, MAX_KEY), address?.slice(0, MAX_KEY) ?? null, now, windowMs],
      { name: 'auth.limit_attempt' },
    );
    let retryAt = 0;
    for (const r of rows) {
      const limit = r.scope === 'user' ? perUser : perAddress;
      if (r.failures > limit) retryAt = Math.max(retryAt, Number(r.window_start) + windowMs);
    }
    if (retryAt > 0) return { retryAt };
    const window = (scope: CounterRow['scope']) => rows.find((r) => r.scope === scope)?.window_start ?? null;
    return { user: Number(window('user')), address: address === null ? null : Number(window('address')) };
  }

  /** A success clears the user name's failures and takes this attempt back from the address's count. */
  async succeeded(username: string, address: string | null, addressWindow: number | null): Promise<void> {
    await this.db.query(`DELETE FROM login_failures WHERE scope = 'user' AND key = $1`, [username.slice(0, MAX_KEY)], {
      name: 'auth.limit_clear_user',
    });
    if (address === null || addressWindow === null) return;
    await this.db.query(
      `UPDATE login_failures SET failures = failures - 1 WHERE scope = 'address' AND key = $1 AND window_start = $2 AND failures > 0`,
      [address.slice(0, MAX_KEY), addressWindow],
      { name: 'auth.limit_return_address' },
    );
  }

  /** Counters whose window has passed. */
  async prune(now: number): Promise<number> {
    const rows = await this.db.query(`DELETE FROM login_failures WHERE window_start <= $1 RETURNING 1`, [now - this.limits.windowMs], {
      name: 'auth.limit_prune',
    });
    return rows.length;
  }
}

/**
 * Which driver errors are transient: the database could not be reached or dropped the connection, aborted
 * a transaction because of a concurrent one, or timed out. The same request may succeed when retried.
 * The one place that reads driver error codes for this; the engine maps the kinds to Kafka errors.
 */
export type TransientKind = 'unavailable' | 'conflict' | 'timeout' | 'commit-unknown';

/** The code of the error a transaction throws when its connection was lost during COMMIT (db/hold.ts, lostCommit). */
export const COMMIT_OUTCOME_UNKNOWN = 'COMMIT_OUTCOME_UNKNOWN';

/** Socket errors from Node (connect, read or write). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The drivers' own connection errors (postgres.js's names; db/pg-driver.ts gives pg's the same). */
const DRIVER_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);

export function transientKind(err: unknown): TransientKind | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (code === COMMIT_OUTCOME_UNKNOWN) return 'commit-unknown';
    if (SOCKET_CODES.has(code) || DRIVER_CODES.has(code)) return 'unavailable';
    // A Unix socket path (DATABASE_URL with host=/var/run/postgresql) is gone while its server is down.
    if (code === 'ENOENT' && (e as { syscall?: unknown }).syscall === 'connect') return 'unavailable';
    // SQLSTATE classes: 08 connection exception, 53 insufficient resources (too many connections, disk full),
    // 57P01-57P03 admin/crash shutdown and "cannot connect now" (starting up or recovering).
    if (code.startsWith('08') || code.startsWith('53') || code === '57P01' || code === '57P02' || code === '57P03') return 'unavailable';
    if (code === '40001' || code === '40P01') return 'conflict'; // serialization failure, deadlock
    if (code === '57014' || code === '55P03') return 'timeout'; // statement timeout, lock timeout
  }
  return null;
}

/** The database could not be reached, or the connection was lost (during a COMMIT too). */
export function databaseLost(err: unknown): boolean {
  const kind = transientKind(err);
  return kind === 'unavailable' || kind === 'commit-unknown';
}

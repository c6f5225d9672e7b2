import { backoffDelay, sleep } from '@/server/kernel/backoff';
import { COMMIT_OUTCOME_UNKNOWN, transientKind } from './transient';

/**
 * Holding calls through a database outage. A Postgres restart takes seconds (a minor upgrade, a config
 * change, a crash and WAL recovery, a failover), and failing every call at once hands the outage to every
 * client: Kafka clients retry on short budgets (kafkajs gives up after about 9 s and its consumer leaves
 * the group) and back off for longer and longer, so their first success comes long after the database is
 * back. Holding the call instead, and running it as soon as the database answers, makes a short outage a
 * slow answer. Only calls that certainly changed nothing are tried again:
 *
 * - a statement whose connection could not be made (it was never sent);
 * - a transaction that failed before its COMMIT was sent (Postgres rolled it back);
 * - a transaction whose connection was lost during COMMIT, once the caller's `verify` finds that its
 *   effects are not in the database. If they are, the call succeeds with what the transaction computed:
 *   the database knows whether it committed, and is asked rather than guessed. (Not by transaction id:
 *   after a crash, an id whose WAL never reached the disk is handed out again, and pg_xact_status then
 *   reports the new owner's commit.)
 *
 * Past `holdMs` from the call's start the last error is thrown (the caller maps it to a retriable one).
 */
export interface HoldOptions {
  holdMs: number;
  now?: () => number;
  /** Stop holding: the adapter is closing. */
  closing: () => boolean;
}

/**
 * Whether a transaction's effects are in the database (it committed), given what it computed: asked after
 * its COMMIT was lost with its connection. It runs as soon as the database answers again.
 */
export type VerifyCommit<T> = (result: T) => Promise<boolean>;

/** What a transaction whose COMMIT was lost carries, for resolving it. */
interface LostCommit {
  result?: unknown;
}

const BACKOFF = { initialMs: 50, maxMs: 1_000 };

/**
 * The hold of calls whose caller has a better answer than waiting: a cached one (Metadata), or a code the
 * client retries at once (a group coordinator's). A Kafka client's requests on one connection are answered
 * in order, so one call held for the whole outage holds up its heartbeats too: librdkafka then ends its own
 * session after session.timeout.ms "without a successful response from the group coordinator".
 */
export const BRIEF_HOLD_MS = 1_000;

/** Whether a failure happened before the statement reached the server: nothing can have been applied. */
export function neverSent(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, syscall } = e as { code?: unknown; syscall?: unknown };
    if (typeof code !== 'string') continue;
    if (CONNECT_CODES.has(code)) return true;
    if (code === 'ENOENT' && syscall === 'connect') return true;
  }
  return false;
}

/** Connecting failed: refused, unreachable, timed out, or the server would not take the session yet. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P03', // cannot_connect_now: starting up, shutting down, recovering
  '53300', // too_many_connections
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
]);

/** A statement outside a transaction: tried again only while it was never sent. */
export function holdStatement<T>(run: () => Promise<T>, options: HoldOptions): Promise<T> {
  return hold(run, options, async (err) => (neverSent(err) ? 'retry' : 'fail'));
}

/**
 * A transaction: tried again after any failure to reach the database before its COMMIT; a COMMIT lost on
 * the way is resolved with `verify` (without one it fails as outcome unknown).
 */
export function holdTransaction<T>(run: () => Promise<T>, options: HoldOptions, verify?: VerifyCommit<T>): Promise<T> {
  return hold(run, options, async (err, deadline, now) => {
    const kind = transientKind(err);
    if (kind === 'unavailable') return 'retry';
    if (kind !== 'commit-unknown' || !verify) return 'fail';
    const result = (err as LostCommit).result as T;
    // Ask until the database answers or the hold runs out.
    for (let n = 0; now() < deadline && !options.closing(); n++) {
      const committed = await verify(result).catch(() => undefined);
      if (committed === true) return { value: result };
      if (committed === false) return 'retry';
      await sleep(Math.min(backoffDelay(n, BACKOFF), Math.max(0, deadline - now())));
    }
    return 'fail';
  });
}

type Verdict<T> = 'retry' | 'fail' | { value: T };

async function hold<T>(
  run: () => Promise<T>,
  options: HoldOptions,
  judge: (err: unknown, deadline: number, now: () => number) => Promise<Verdict<T>>,
): Promise<T> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.holdMs;
  for (let n = 0; ; n++) {
    try {
      return await run();
    } catch (err) {
      if (options.holdMs <= 0 || options.closing()) throw err;
      const verdict = await judge(err, deadline, now);
      if (typeof verdict === 'object') return verdict.value;
      const left = deadline - now();
      if (verdict === 'fail' || left <= 0) throw err;
      await sleep(Math.min(backoffDelay(n, BACKOFF), left));
    }
  }
}

/** The error a transaction whose COMMIT was lost throws: its cause, and its result for holdTransaction to verify. */
export function lostCommit(cause: unknown, result: unknown): Error {
  const err = Object.assign(
    new Error('The connection to the database was lost during COMMIT: the transaction may or may not have committed.'),
    { code: COMMIT_OUTCOME_UNKNOWN, cause },
  );
  Object.defineProperty(err, 'result', { value: result });
  return err;
}

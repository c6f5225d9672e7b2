import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import type { Sql, TransactionSql } from 'postgres';
import { ActivityTracker, type DatabaseActivity } from './activity';
import { copySql } from './copy';
import { holdStatement, holdTransaction, lostCommit, type VerifyCommit } from './hold';
import { observeStatement } from './query-metrics';
import { transientKind } from './transient';

/**
 * The one adapter that hides the drivers (node-postgres for a Postgres server, or postgres.js with
 * BROOK_DB_DRIVER; PGlite embedded). The broker engine only sees this interface and never branches on the driver.
 *
 * Normalised across drivers: int8 arrives as a JS number (offsets stay far below 2^53), bytea as a
 * Uint8Array (a Buffer on the server drivers, a plain Uint8Array on PGlite), json/jsonb parsed, results as
 * an array of rows. A json/jsonb parameter is either JSON text or a value to stringify, on every driver.
 */
export type Row = Record<string, unknown>;

export interface QueryOptions {
  /**
   * Cache the statement as a named prepared statement on the connection (default true). Pass false for
   * statements whose text names a generated table (one per partition), so connections do not accumulate
   * one prepared statement per partition.
   */
  prepare?: boolean;
  /**
   * The statement's name in brook_db_query_seconds{statement} and brook_db_query_errors_total: a
   * fixed, code-given string (never user text or a generated table name). Unnamed ones count as "unnamed".
   */
  name?: string;
  /** How long this call is held while the database cannot be reached (db/hold.ts); default the adapter's. */
  holdMs?: number;
}

/** A transaction's options: its hold, and how to tell whether it committed when its COMMIT is lost. */
export interface TransactionOptions<T> {
  holdMs?: number;
  /** Asked when the connection was lost during COMMIT: are the transaction's effects in the database? */
  verify?: VerifyCommit<T>;
}

export interface Queryable {
  /** A parameterised statement ($1, $2, ...). Never interpolate user text into `text`. */
  query<R extends object = Row>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]>;
  /** Binary COPY of pre-encoded rows (see server/broker/log/record-codec.ts, encodeCopyRows). `table` and `columns` must be generated identifiers. */
  copyIn(table: string, columns: readonly string[], data: Uint8Array): Promise<void>;
}

export interface Database extends Queryable {
  readonly driver: 'postgres' | 'pglite';
  /** The client library behind it (a Postgres server has two: PostgresDriver). */
  readonly library: PostgresDriver | 'pglite';
  /** Where the data lives, safe to log (no password). */
  readonly description: string;
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions<T>): Promise<T>;
  /** LISTEN on a channel; returns the function that stops listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Applies pending drizzle-kit migrations; safe when several processes start at once. `table`: the
   * table (in schema drizzle) recording them, for a set of migrations kept apart from the broker's.
   */
  migrate(migrationsFolder: string, options?: { table?: string }): Promise<void>;
  /** When the database last answered and what waits for it (for liveness). */
  activity(): DatabaseActivity;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent, PGlite in `dataDir` (or in memory when dataDir is 'memory://'). */
  url?: string;
  dataDir?: string;
  poolSize?: number;
  /** How long a call that cannot reach the database is held and retried before it fails (db/hold.ts); default 0. */
  holdMs?: number;
  /**
   * The Postgres driver: node-postgres (`pg`, the default: docs/storage.md says why), or postgres.js, the
   * earlier one, kept to measure the choice again.
   */
  driver?: PostgresDriver;
}

export const POSTGRES_DRIVERS = ['pg', 'postgres.js'] as const;
export type PostgresDriver = (typeof POSTGRES_DRIVERS)[number];

/** BROOK_DB_DRIVER as the tests and benchmarks read it (the server validates it in server/env.ts): unset is the default. */
export function postgresDriverNamed(name: string | undefined): PostgresDriver | undefined {
  if (!name) return undefined;
  if (!(POSTGRES_DRIVERS as readonly string[]).includes(name))
    throw new Error(`BROOK_DB_DRIVER must be one of: ${POSTGRES_DRIVERS.join(', ')}`);
  return name as PostgresDriver;
}

/** What a driver gives the adapter: the Database without the parts the adapter adds. */
type Driver = Omit<Database, 'activity'>;

/** How a json/jsonb parameter is bound (PGlite's rule, applied to postgres.js too). */
const jsonParam = (x: unknown): string => (typeof x === 'string' ? x : JSON.stringify(x));

/** Advisory lock key serialising migrations across processes ("brook" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x62726f6f6b;

const COPY_SLICE = 64 * 1024;

/** Strips the password from a connection URL so it can be logged. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const holdMs = options.holdMs ?? 0;
  if (options.url && (options.driver ?? 'pg') === 'pg') {
    const { openPg } = await import('./pg-driver');
    return tracked(await openPg(options.url, options.poolSize ?? 10, describeUrl(options.url), MIGRATION_LOCK_KEY), holdMs);
  }
  if (options.url) return tracked(await openPostgres(options.url, options.poolSize ?? 10), holdMs);
  const { openPglite } = await import('./pglite');
  return tracked(await openPglite(options.dataDir ?? './.data/pglite'), holdMs);
}

/**
 * The same database with another default hold for its calls (db/hold.ts): a caller with a better answer
 * than waiting (a group coordinator's retriable codes) waits less. A call's own holdMs still wins.
 */
export function holdingAtMost(db: Database, holdMs: number): Database {
  return {
    ...db,
    query: (text, params, options) => db.query(text, params, { holdMs, ...options }),
    transaction: (fn, options) => db.transaction(fn, { holdMs, ...options }),
  };
}

/** Name of every COPY in the statement metrics (its table is generated, one per partition). */
export const COPY_STATEMENT = 'copy_in';

/** Each statement, inside a transaction too, is timed in one place (db/query-metrics.ts). */
function observed(q: Queryable): Queryable {
  return {
    query<R extends object = Row>(text: string, params?: readonly unknown[], options?: QueryOptions) {
      return observeStatement(options?.name, () => q.query<R>(text, params, options));
    },
    copyIn: (table, columns, data) => observeStatement(COPY_STATEMENT, () => q.copyIn(table, columns, data)),
  };
}

/**
 * Every call through the adapter, on either driver, feeds the activity that liveness reads and the
 * statement metrics, and is held through a database outage of up to `holdMs` (db/hold.ts): each attempt
 * is tracked, so liveness and `reachableSince` see the outage even when the call ends well.
 */
function tracked(db: Driver, holdMs: number): Database {
  const activity = new ActivityTracker();
  const root = observed(db);
  let closing = false;
  const holding = (own?: number) => ({ holdMs: own ?? holdMs, closing: () => closing });
  return {
    driver: db.driver,
    library: db.library,
    description: db.description,
    query: (text, params, options) =>
      holdStatement(() => activity.track(() => root.query(text, params, options)), holding(options?.holdMs)),
    copyIn: (table, columns, data) => activity.track(() => root.copyIn(table, columns, data)),
    transaction: (fn, options) =>
      holdTransaction(() => activity.track(() => db.transaction((tx) => fn(observed(tx)))), holding(options?.holdMs), options?.verify),
    listen: (channel, onPayload) => activity.track(() => db.listen(channel, onPayload)),
    migrate: (folder, options) => activity.track(() => db.migrate(folder, options)),
    activity: () => activity.snapshot(),
    close: () => {
      closing = true;
      return db.close();
    },
  };
}

/** Seconds to wait for a connection before a call fails (retriably) instead of hanging while the server is down. */
const CONNECT_TIMEOUT_S = 5;

/**
 * postgres.js waits `backoff(n)` seconds before the n-th reconnect of a slot (3^n/100 s, up to 20 s, by
 * default). A call that finds every slot closed waits for that delay, so after a 10 s outage calls would
 * keep waiting up to 20 s; cap it at 1 s, with jitter so slots do not reconnect in lockstep.
 */
const reconnectBackoff = (retries: number) => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2);

/**
 * postgres.js never sets TCP_NODELAY; without it a small COPY waits 40-90 ms for its last packet. A
 * `socket` factory is its only hook, and that factory must never reject: postgres.js drops a slot whose
 * factory rejects (the slot never returns to the pool's "closed" list, so every failed connect while the
 * server was down cost one slot for good, until no call could run). So a failed connect resolves too,
 * with a socket that fails once postgres.js listens to it: its 'error' + 'close' return the slot to the
 * pool like any lost connection, and the driver's own reconnect (with `backoff`) takes over.
 */
export function noDelaySocket(opts: { host: string[]; port: number[]; path?: string }): Promise<net.Socket> {
  const where = { host: opts.host[0], port: opts.port[0] };
  return new Promise((resolve) => {
    let socket: net.Socket;
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket?.destroy();
      resolve(failingSocket(err, where));
    };
    // postgres.js starts its connect_timeout only once the factory resolves: bound the connect here.
    const timer = setTimeout(
      () => fail(Object.assign(new Error('connect timed out'), { code: 'CONNECT_TIMEOUT' })),
      CONNECT_TIMEOUT_S * 1000,
    );
    try {
      socket = opts.path ? net.connect({ path: opts.path }) : net.connect({ port: where.port, host: where.host, noDelay: true });
    } catch (err) {
      return fail(err as Error);
    }
    socket.setNoDelay(true);
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(Object.assign(socket, where));
    });
  });
}

/**
 * A socket that fails with `err` once postgres.js has used it. postgres.js calls its `connected()` on
 * whatever the factory resolves with, and batches the start-up message into a write on the next turn; a
 * socket that closed before that write would leave the batch pending in the slot, and every later
 * connect of that slot would stall until its timeout. So accept that write, then fail.
 */
function failingSocket(err: Error, where: { host: string; port: number }): net.Socket {
  const socket = Object.assign(new net.Socket(), where);
  let failing = false;
  const fail = () => {
    if (failing) return;
    failing = true;
    setImmediate(() => socket.destroy(err));
  };
  socket.write = (() => {
    fail();
    return true;
  }) as typeof socket.write;
  setTimeout(fail, 1_000).unref(); // in case nothing is written
  return socket;
}

/**
 * Whether postinstall's outage fixes (db/patch-postgres.mjs) are in the installed postgres.js: without
 * them a Postgres restart can wedge the pool or end the process, so say so loudly at start-up.
 */
export function postgresDriverPatched(): boolean {
  try {
    const root = path.resolve(path.dirname(createRequire(import.meta.url).resolve('postgres')), '..', '..');
    return ['src/connection.js', 'cjs/src/connection.js'].every((rel) =>
      fs.readFileSync(path.join(root, rel), 'utf8').includes('/* brook patch */'),
    );
  } catch {
    return false;
  }
}

async function openPostgres(url: string, poolSize: number): Promise<Driver> {
  const { default: postgres } = await import('postgres');
  if (!postgresDriverPatched()) {
    console.error(
      '[brook] postgres.js is missing its outage fixes (run `npm install`, see db/patch-postgres.mjs): a database restart may wedge this process.',
    );
  }
  const sql = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    connection: { application_name: 'brook' },
    types: {
      // int8 as a JS number: offsets and timestamps in ms stay well inside 2^53.
      int8: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) },
      // json/jsonb as PGlite binds them: a string is JSON text already, anything else is stringified.
      // postgres.js stringified strings once more, storing '{"a":1}' as the JSON string "{\"a\":1}".
      json: { to: 114, from: [114, 3802], serialize: jsonParam, parse: (x: string) => JSON.parse(x) },
    },
    connect_timeout: CONNECT_TIMEOUT_S,
    backoff: reconnectBackoff,
    socket: noDelaySocket,
  } as Parameters<typeof postgres>[1]);

  const wrap = (conn: Sql | TransactionSql): Queryable => ({
    async query<R extends object>(text: string, params: readonly unknown[] = [], options?: QueryOptions) {
      return (await conn.unsafe(text, params as never[], { prepare: options?.prepare ?? true })) as unknown as R[];
    },
    async copyIn(table, columns, data) {
      const writable = await conn.unsafe(copySql(table, columns, 'STDIN')).writable();
      await new Promise<void>((resolve, reject) => {
        // Without an error listener a failed COPY would crash the process.
        writable.once('error', reject);
        writable.once('finish', resolve);
        // write() then end(): measured 1.5x faster than end(data) for 1000-row COPYs; 64 KiB slices keep
        // postgres.js from copying one large buffer around.
        for (let i = 0; i < data.length; i += COPY_SLICE) writable.write(data.subarray(i, i + COPY_SLICE));
        writable.end();
      });
    },
  });
  const root = wrap(sql);

  return {
    driver: 'postgres',
    library: 'postgres.js',
    description: describeUrl(url),
    query: root.query,
    copyIn: root.copyIn,
    async transaction(fn) {
      let committing = false;
      let result: unknown;
      try {
        return (await sql.begin(async (tx) => {
          result = await fn(wrap(tx));
          committing = true;
          return result;
        })) as Awaited<ReturnType<typeof fn>>;
      } catch (err) {
        // Lost with the COMMIT: it may have been applied or not (holdTransaction asks the caller's verify).
        if (committing && transientKind(err) === 'unavailable') throw lostCommit(err, result);
        throw err;
      }
    },
    async listen(channel, onPayload) {
      const sub = await sql.listen(channel, onPayload);
      return () => sub.unlisten();
    },
    async migrate(migrationsFolder, options) {
      // One dedicated connection holding a session advisory lock, so concurrent start-ups apply migrations once.
      const one = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: CONNECT_TIMEOUT_S });
      try {
        await one.unsafe('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        const { drizzle } = await import('drizzle-orm/postgres-js');
        const { migrate } = await import('drizzle-orm/postgres-js/migrator');
        await migrate(drizzle(one), { migrationsFolder, migrationsTable: options?.table });
      } finally {
        await one.end({ timeout: 5 });
      }
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}

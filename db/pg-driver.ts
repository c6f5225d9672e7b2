import { createHash } from 'node:crypto';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, Queryable, QueryOptions, Row } from './client';
import { copySql } from './copy';
import { lostCommit } from './hold';
import { pgListen } from './pg-listen';
import { transientKind } from './transient';

/**
 * node-postgres (`pg`, with `pg-copy-streams` for COPY): Brook's driver for a Postgres server, chosen over
 * postgres.js by outage tests, chaos and `npm run bench core kafka` run on both (docs/storage.md). It
 * needs no fixes to its source; postgres.js stays selectable (BROOK_DB_DRIVER=postgres.js) to measure again.
 */
type Driver = Omit<Database, 'activity'>;

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * int8 as a JS number (offsets and ms timestamps stay inside 2^53), as the postgres.js driver reads it;
 * int8[] likewise. Everything else as pg parses it (json and jsonb are parsed; bytea is a Buffer).
 */
const INT8 = 20;
const INT8_ARRAY = 1016;
type TypeId = Parameters<typeof pg.types.getTypeParser>[0];
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (v: string) => Number(v);
    if (oid === INT8_ARRAY) {
      // pg's own parser for int8[] gives strings (its types name no such oid: hence the cast).
      const parse = pg.types.getTypeParser(INT8_ARRAY as TypeId, 'text') as (v: string) => Array<string | null>;
      return (v: string) => parse(v).map((x) => (x === null ? null : Number(x)));
    }
    return pg.types.getTypeParser(oid as TypeId, format ?? 'text');
  },
};

/**
 * pg's own connection errors carry no code: give them the ones transient.ts reads (the names postgres.js
 * uses). A connect that timed out is CONNECT_TIMEOUT (never sent: a held call waits and tries again), not
 * a lost connection, although pg's message says "terminated": so the timeouts are matched first.
 */
function normalized(err: unknown): unknown {
  if (!(err instanceof Error) || typeof (err as { code?: unknown }).code === 'string') return err;
  const m = err.message;
  const code = /timeout expired|connection timeout|timeout exceeded when trying to connect/i.test(m)
    ? 'CONNECT_TIMEOUT'
    : /terminated|Connection ended|not queryable|Client has encountered a connection error/i.test(m)
      ? 'CONNECTION_CLOSED'
      : null;
  return code ? Object.assign(err, { code }) : err;
}

/** The error, when it says the connection is gone (its client must not go back to the pool). */
const connectionLost = (err: unknown): Error | undefined => (transientKind(normalized(err)) === 'unavailable' ? (err as Error) : undefined);

/**
 * A prepared statement's name on the connection: pg refuses one name for two texts, and Brook's statement
 * names are metrics labels shared by texts that differ (a partition's table), so the text names it.
 */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    // Texts are code-made (per-partition variants included), so the map stays small; the cap is a guard.
    if (statementNames.size >= 10_000) statementNames.clear();
    name = `b${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

export async function openPg(url: string, poolSize: number, description: string, migrationLockKey: number): Promise<Driver> {
  // Keepalive as postgres.js had it (60 s): a half-open connection, a LISTEN one above all, is noticed.
  const config = {
    connectionString: url,
    application_name: 'brook',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 60_000,
    types,
  };
  /**
   * The connect itself is bounded (the client's own timeout, "timeout expired"); the wait for a free slot
   * is not: pg-pool would bound both with one setting, and a busy pool is not an unreachable database.
   */
  class BoundedClient extends pg.Client {
    constructor(options?: pg.ClientConfig) {
      super({ ...options, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    }
  }
  const pool = new pg.Pool({
    ...config,
    Client: BoundedClient,
    connectionTimeoutMillis: 0,
    max: poolSize,
    // Idle connections stay (their prepared statements with them); each is replaced after 30 minutes,
    // which bounds the statements it keeps (one per partition read on the consumer's hot path).
    idleTimeoutMillis: 0,
    maxLifetimeSeconds: 30 * 60,
  });
  const listeners = new Set<pg.Client>();
  // An idle client's lost connection is emitted on the pool: without a listener it would end the process.
  pool.on('error', () => {});
  // And every client hears its own: pg emits a lost connection on the client wherever it is (idle, out of
  // the pool, being handed over), and one unheard event ends the process. Losses are acted on where they
  // show: a failed statement, or checkout's listener below.
  pool.on('connect', (client) => client.on('error', () => {}));

  /**
   * A client out of the pool: pg emits a lost connection as an 'error' event on it (between a
   * transaction's statements too), which would end the process unheard. The next statement fails, and
   * release destroys it.
   */
  const checkout = async (): Promise<{ client: pg.PoolClient; release: (broken?: Error) => void }> => {
    const client = await pool.connect().catch((err) => {
      throw normalized(err);
    });
    let lost: Error | undefined;
    const onError = (err: Error) => {
      lost = err;
    };
    client.on('error', onError);
    return {
      client,
      // Destroyed only when its connection was lost (an 'error' event, or a statement's transient failure).
      release: (broken) => {
        client.off('error', onError);
        client.release(broken ?? lost);
      },
    };
  };

  const wrap = (conn: pg.PoolClient | null): Queryable => ({
    async query<R extends object = Row>(text: string, params: readonly unknown[] = [], options?: QueryOptions) {
      // pg binds as postgres.js does here: arrays as Postgres arrays (int[], text[]), objects as JSON, Buffers as bytea.
      const values = params as unknown[];
      const statement = options?.prepare === false ? { text, values } : { name: statementName(text), text, values };
      // Not pool.query: it destroys the connection on any error, a missing table or a check violation too.
      const own = conn ? null : await checkout();
      let lost: Error | undefined;
      try {
        return (await (conn ?? (own as { client: pg.PoolClient }).client).query<R>(statement)).rows;
      } catch (err) {
        lost = connectionLost(err);
        throw normalized(err);
      } finally {
        own?.release(lost);
      }
    },
    async copyIn(table, columns, data) {
      const own = conn ? null : await checkout();
      const client = conn ?? (own as { client: pg.PoolClient }).client;
      let lost: Error | undefined;
      try {
        const stream = client.query(copyFrom(copySql(table, columns, 'STDIN')));
        await new Promise<void>((resolve, reject) => {
          stream.once('error', reject);
          stream.once('finish', resolve);
          stream.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
        });
      } catch (err) {
        lost = connectionLost(err);
        throw normalized(err);
      } finally {
        own?.release(lost);
      }
    },
  });
  const root = wrap(null);

  return {
    driver: 'postgres',
    library: 'pg',
    description,
    query: root.query,
    copyIn: root.copyIn,
    async transaction(fn) {
      const { client, release } = await checkout();
      let committing = false;
      let result: unknown;
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        result = await fn(wrap(client));
        committing = true;
        await client.query('COMMIT');
        return result as Awaited<ReturnType<typeof fn>>;
      } catch (raw) {
        const err = normalized(raw);
        if (!committing) {
          await client.query('ROLLBACK').catch((e: Error) => {
            broken = e;
          });
        } else if (transientKind(err) === 'unavailable') {
          broken = err as Error;
          // Lost with the COMMIT: it may have been applied or not (holdTransaction asks the caller's verify).
          throw lostCommit(err, result);
        }
        throw err;
      } finally {
        release(broken);
      }
    },
    async listen(channel, onPayload) {
      try {
        return await pgListen(() => new pg.Client(config), channel, onPayload, listeners);
      } catch (err) {
        throw normalized(err);
      }
    },
    async migrate(migrationsFolder, options) {
      // One dedicated connection holding a session advisory lock, so concurrent start-ups apply migrations once.
      const one = new pg.Client(config);
      one.on('error', () => {});
      await one.connect();
      try {
        await one.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
        const { drizzle } = await import('drizzle-orm/node-postgres');
        const { migrate } = await import('drizzle-orm/node-postgres/migrator');
        await migrate(drizzle(one), { migrationsFolder, migrationsTable: options?.table });
      } finally {
        await one.end().catch(() => {});
      }
    },
    async close() {
      await Promise.all([...listeners].map((c) => c.end().catch(() => {})));
      await pool.end();
    },
  };
}

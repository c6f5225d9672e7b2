import 'server-only';
import { type Database, openDatabase } from '@/db/client';
import { MIGRATIONS_FOLDER } from '@/db/env';
import packageJson from '@/package.json';
import { type Broker, type BrokerOptions, createBroker } from '@/server/broker';
import type { ServiceOptions } from '@/server/broker/services';
import { type BrookEnv, brookEnv, databaseOptions } from '@/server/env';

/**
 * One broker engine per process. server/main.ts boots it; Next's page bundles (server components
 * prefetching through server/api/rsc.ts) hold their own copy of this module, and `next dev` reloads
 * modules, so the instance lives on globalThis: every copy finds the engine main.ts started.
 */
interface Runtime {
  db: Database;
  broker: Broker;
  startedAt: number;
}

const globalForBrook = globalThis as typeof globalThis & { __brook?: Promise<Runtime>; __brookReady?: Runtime; __brookClosed?: boolean };

export function getRuntime(): Promise<Runtime> {
  if (globalForBrook.__brookClosed) return Promise.reject(new Error('Brook is shutting down: the database is closed.'));
  globalForBrook.__brook ??= boot().then(
    (runtime) => (globalForBrook.__brookReady = runtime),
    (err) => {
      globalForBrook.__brook = undefined; // let a later request try again
      throw err;
    },
  );
  return globalForBrook.__brook;
}

/** The runtime if it has booted, without waiting (liveness must answer even when nothing else can). */
export function peekRuntime(): Runtime | undefined {
  return globalForBrook.__brookReady;
}

export async function getBroker(): Promise<Broker> {
  return (await getRuntime()).broker;
}

/** The engine's settings from the environment (server/env.ts); unset values keep the engine's defaults. */
export function brokerOptions(env: BrookEnv): BrokerOptions {
  return {
    coalesce: env.BROOK_COALESCE,
    lagSampleIntervalMs: env.BROOK_LAG_SAMPLE_MS,
    lagRetentionMs: env.BROOK_LAG_RETENTION_HOURS === undefined ? undefined : env.BROOK_LAG_RETENTION_HOURS * 3_600_000,
    version: packageJson.version,
    idempotencyWindowMs: env.BROOK_IDEMPOTENCY_WINDOW,
    failpoint: env.BROOK_FAILPOINT,
  };
}

/** Background loop periods (the lag sampler follows BROOK_LAG_SAMPLE_MS). */
export function serviceOptions(env: BrookEnv): ServiceOptions {
  return {
    logMaintenanceMs: env.BROOK_LOG_MAINTENANCE_MS,
    groupExpiryMs: env.BROOK_GROUP_EXPIRY_MS,
    lagSampleMs: env.BROOK_LAG_SAMPLE_MS,
  };
}

async function boot(): Promise<Runtime> {
  const env = brookEnv(); // a bad value stops here, before anything is opened
  const db = await openDatabase(databaseOptions(env));
  try {
    await db.migrate(MIGRATIONS_FOLDER);
    const broker = createBroker(db, brokerOptions(env));
    await broker.start();
    console.log(`[brook] broker ready on ${db.description}`);
    return { db, broker, startedAt: Date.now() };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}

/**
 * Closes the engine and the database (SIGTERM, tests). `final`: the process is ending, so a late caller
 * (a request that outlived the drain, a page render) must not boot a second database on the same folder.
 */
export async function shutdownRuntime(options: { final?: boolean } = {}): Promise<void> {
  if (options.final) globalForBrook.__brookClosed = true;
  const pending = globalForBrook.__brook;
  globalForBrook.__brook = undefined;
  globalForBrook.__brookReady = undefined;
  if (!pending) return;
  const { db, broker } = await pending.catch(() => ({ db: null, broker: null }));
  await broker?.close();
  await db?.close();
}

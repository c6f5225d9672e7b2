import { type Database, openDatabase } from '@/db/client';
import { databaseOptionsFromEnv, MIGRATIONS_FOLDER } from '@/db/env';
import { type Broker, type BrokerOptions, createBroker } from '@/server/broker';
import type { ServiceOptions } from '@/server/broker/services';

/**
 * One broker engine per process. Next.js loads instrumentation.ts and route handlers as separate module
 * copies, and `next dev` reloads modules, so the instance lives on globalThis, not in a module variable.
 */
interface Runtime {
  db: Database;
  broker: Broker;
  startedAt: number;
}

const globalForBrook = globalThis as typeof globalThis & { __brook?: Promise<Runtime>; __brookReady?: Runtime };

export function getRuntime(): Promise<Runtime> {
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

const BROOK_VERSION = '0.1.0';

const num = (v: string | undefined) => (v && Number.isFinite(Number(v)) ? Number(v) : undefined);

/**
 * BROOK_COALESCE=0 turns write coalescing off (benchmarks compare both); BROOK_LAG_SAMPLE_MS and
 * BROOK_LAG_RETENTION_HOURS set the lag history's resolution and length.
 */
export function brokerOptionsFromEnv(env: NodeJS.ProcessEnv): BrokerOptions {
  const retentionHours = num(env.BROOK_LAG_RETENTION_HOURS);
  return {
    coalesce: env.BROOK_COALESCE !== '0',
    lagSampleIntervalMs: num(env.BROOK_LAG_SAMPLE_MS),
    lagRetentionMs: retentionHours === undefined ? undefined : retentionHours * 3_600_000,
    version: process.env.npm_package_version ?? BROOK_VERSION,
  };
}

/** Background loop periods: BROOK_LOG_MAINTENANCE_MS, BROOK_GROUP_EXPIRY_MS (the lag sampler follows BROOK_LAG_SAMPLE_MS). */
export function serviceOptionsFromEnv(env: NodeJS.ProcessEnv): ServiceOptions {
  return {
    logMaintenanceMs: num(env.BROOK_LOG_MAINTENANCE_MS),
    groupExpiryMs: num(env.BROOK_GROUP_EXPIRY_MS),
    lagSampleMs: num(env.BROOK_LAG_SAMPLE_MS),
  };
}

async function boot(): Promise<Runtime> {
  const db = await openDatabase(databaseOptionsFromEnv(process.env));
  try {
    await db.migrate(MIGRATIONS_FOLDER);
    const broker = createBroker(db, brokerOptionsFromEnv(process.env));
    await broker.start();
    console.log(`[brook] broker ready on ${db.description}`);
    return { db, broker, startedAt: Date.now() };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}

/** Closes the engine and the database (SIGTERM, tests). */
export async function shutdownRuntime(): Promise<void> {
  const pending = globalForBrook.__brook;
  globalForBrook.__brook = undefined;
  globalForBrook.__brookReady = undefined;
  if (!pending) return;
  const { db, broker } = await pending.catch(() => ({ db: null, broker: null }));
  await broker?.close();
  await db?.close();
}

import 'server-only';
import { type Database, openDatabase } from '@/db/client';
import { MIGRATIONS_FOLDER } from '@/db/env';
import packageJson from '@/package.json';
import { resolveAuthMode } from '@/server/auth-mode';
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
    auth: {
      mode: resolveAuthMode(env), // auth off on a non-loopback address stops start-up here
      sessionTtlMs: env.BROOK_SESSION_HOURS === undefined ? undefined : env.BROOK_SESSION_HOURS * 3_600_000,
      hidePayloadRoles: env.BROOK_HIDE_PAYLOADS,
      auditRetentionMs: env.BROOK_AUDIT_RETENTION_DAYS === undefined ? undefined : env.BROOK_AUDIT_RETENTION_DAYS * 86_400_000,
    },
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
  const options = brokerOptions(env);
  const db = await openDatabase(databaseOptions(env));
  try {
    await db.migrate(MIGRATIONS_FOLDER);
    const broker = createBroker(db, options);
    await broker.start();
    await prepareAuth(broker, env.BROOK_ADMIN_PASSWORD);
    console.log(`[brook] broker ready on ${db.description}`);
    return { db, broker, startedAt: Date.now() };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}

const NONE_WARNING = [
  '[brook] ******************************************************************************',
  '[brook] WARNING: BROOK_AUTH=none. Authentication is OFF and Brook may listen beyond this machine:',
  '[brook] anyone who can reach its HTTP port or Kafka listener can read every message, produce,',
  '[brook] and create or delete topics and groups. Set BROOK_AUTH=on unless a network you trust',
  '[brook] alone stands between Brook and its clients.',
  '[brook] ******************************************************************************',
].join('\n');

/** Logs the auth mode (loudly when none), applies BROOK_ADMIN_PASSWORD, says how to make a first admin if there is none. */
export async function prepareAuth(
  broker: Broker,
  adminPassword: string | undefined,
  out: Pick<Console, 'log' | 'warn'> = console,
): Promise<void> {
  const { auth } = broker;
  if (auth.mode === 'none') out.warn(NONE_WARNING);
  else out.log(`[brook] auth ${auth.mode}${auth.mode === 'off' ? ' (loopback only: every caller is an anonymous admin)' : ''}`);
  if (adminPassword !== undefined) out.log(`[brook] user admin (BROOK_ADMIN_PASSWORD): ${await auth.ensureAdmin(adminPassword)}`);
  if (auth.mode === 'on' && (await auth.users.count()) === 0) {
    out.log(
      '[brook] auth is on and there are no users yet: set BROOK_ADMIN_PASSWORD and restart to create user admin, ' +
        'or run `npm run brook -- users add <name> --role admin` (with the server stopped if it uses embedded PGlite)',
    );
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

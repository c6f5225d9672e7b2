import { openDatabase, type Database } from '@/db/client';
import { databaseOptionsFromEnv, MIGRATIONS_FOLDER } from '@/db/env';
import { createBroker, type Broker } from '@/server/broker';

/**
 * One broker engine per process. Next.js loads instrumentation.ts and route handlers as separate module
 * copies, and `next dev` reloads modules, so the instance lives on globalThis, not in a module variable.
 */
interface Runtime {
  db: Database;
  broker: Broker;
  startedAt: number;
}

const globalForBrook = globalThis as typeof globalThis & { __brook?: Promise<Runtime> };

export function getRuntime(): Promise<Runtime> {
  globalForBrook.__brook ??= boot().catch((err) => {
    globalForBrook.__brook = undefined; // let a later request try again
    throw err;
  });
  return globalForBrook.__brook;
}

export async function getBroker(): Promise<Broker> {
  return (await getRuntime()).broker;
}

async function boot(): Promise<Runtime> {
  const db = await openDatabase(databaseOptionsFromEnv(process.env));
  try {
    await db.migrate(MIGRATIONS_FOLDER);
    // BROOK_COALESCE=0 turns write coalescing off (benchmarks compare both).
    const broker = createBroker(db, { coalesce: process.env.BROOK_COALESCE !== '0' });
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
  if (!pending) return;
  const { db, broker } = await pending.catch(() => ({ db: null, broker: null }));
  await broker?.close();
  await db?.close();
}

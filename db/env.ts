import path from 'node:path';
import type { DatabaseOptions } from './client';

/** DATABASE_URL set: a Postgres server. Unset: embedded PGlite in BROOK_DATA_DIR (default ./.data/pglite). */
export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv): DatabaseOptions {
  const url = env.DATABASE_URL?.trim();
  if (url) return { url, poolSize: env.BROOK_DB_POOL ? Number(env.BROOK_DB_POOL) : undefined };
  return { dataDir: env.BROOK_DATA_DIR?.trim() || './.data/pglite' };
}

/** drizzle-kit's output folder; read at run time by the migrator. */
export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations');

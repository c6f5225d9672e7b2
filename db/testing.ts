import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type Database } from './client';
import { MIGRATIONS_FOLDER } from './env';

/** Test support: real databases only. PGlite always; the Postgres server when TEST_DATABASE_URL is set. */
export type Backend = 'pglite' | 'postgres';

export const postgresUrl = (): string => inject('postgresUrl');

export const testBackends = (): Backend[] => (postgresUrl() ? ['pglite', 'postgres'] : ['pglite']);

/** A migrated database: a fresh in-memory PGlite, or this run's fresh database on the server. */
export async function openTestDatabase(backend: Backend, poolSize = 20): Promise<Database> {
  if (backend === 'postgres') {
    const url = postgresUrl();
    if (!url) throw new Error('TEST_DATABASE_URL is not set');
    return openDatabase({ url, poolSize });
  }
  const db = await openDatabase({ dataDir: 'memory://' });
  await db.migrate(MIGRATIONS_FOLDER);
  return db;
}

/** Topic names unique to a test, so files running in parallel on one database never collide. */
export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

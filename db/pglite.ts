import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './client';
import { copySql } from './copy';
import { lockDataDirectory } from './directory-lock';

/**
 * Embedded PGlite. It has one connection (so locks never contend), never fsyncs (not crash-durable),
 * and does not lock its data directory itself: a lock next to it (db/directory-lock.ts) refuses a second process.
 */
export async function openPglite(dataDir: string): Promise<Omit<Database, 'activity'>> {
  const inMemory = dataDir === 'memory://' || dataDir.startsWith('memory://');
  const lock = inMemory ? null : await lockDataDirectory(dataDir);
  const release = () => lock?.release();
  let pg: PGlite;
  try {
    // The real path: a symlinked BROOK_DATA_DIR made PGlite fail with an ErrnoError (not an Error).
    pg = new PGlite(lock ? lock.dir : undefined);
    await pg.waitReady;
  } catch (err) {
    release();
    throw err;
  }

  const wrap = (conn: Pick<PGlite, 'query'>): Queryable => ({
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      const res = await conn.query<R>(text, params as unknown[]);
      return res.rows;
    },
    async copyIn(table, columns, data) {
      // PGlite reads COPY input from a virtual file fed with a Blob.
      await conn.query(copySql(table, columns, `'/dev/blob'`), [], { blob: new Blob([data as Uint8Array<ArrayBuffer>]) });
    },
  });
  const root = wrap(pg);

  return {
    driver: 'pglite',
    library: 'pglite',
    description: lock ? `PGlite at ${lock.dir}` : 'PGlite (in memory)',
    query: root.query,
    copyIn: root.copyIn,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async listen(channel, onPayload) {
      const unsubscribe = await pg.listen(channel, onPayload);
      return () => unsubscribe();
    },
    async migrate(migrationsFolder, options) {
      const { drizzle } = await import('drizzle-orm/pglite');
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(drizzle({ client: pg }), { migrationsFolder, migrationsTable: options?.table });
    },
    async close() {
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
}

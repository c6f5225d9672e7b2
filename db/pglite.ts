import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { copySql, type Database, type Queryable } from './client';

/**
 * Embedded PGlite. It has one connection (so locks never contend), never fsyncs (not crash-durable),
 * and does not lock its data directory itself: a lock file next to it refuses a second process.
 */
export async function openPglite(dataDir: string): Promise<Omit<Database, 'activity'>> {
  const inMemory = dataDir === 'memory://' || dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : acquireDirectoryLock(dataDir);
  let pg: PGlite;
  try {
    if (!inMemory) fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
    pg = new PGlite(inMemory ? undefined : dataDir);
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
    description: inMemory ? 'PGlite (in memory)' : `PGlite at ${path.resolve(dataDir)}`,
    query: root.query,
    copyIn: root.copyIn,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async listen(channel, onPayload) {
      const unsubscribe = await pg.listen(channel, onPayload);
      return () => unsubscribe();
    },
    async migrate(migrationsFolder) {
      const { drizzle } = await import('drizzle-orm/pglite');
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(drizzle({ client: pg }), { migrationsFolder });
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

/** A lock file beside the data directory holding the owner's pid; a live owner means refusal. */
function acquireDirectoryLock(dataDir: string): () => void {
  const lockPath = `${path.resolve(dataDir)}.lock`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      const release = () => {
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(lockPath, 'utf8'));
      if (owner === process.pid) {
        throw new Error(`The embedded database at ${path.resolve(dataDir)} is already open in this process.`);
      }
      if (owner && isAlive(owner)) {
        throw new Error(
          `The embedded database at ${path.resolve(dataDir)} is already in use by process ${owner}. ` +
            `PGlite allows one process per data folder: stop that process, set BROOK_DATA_DIR to another folder, ` +
            `or set DATABASE_URL to share a Postgres server between several Brook processes.`,
        );
      }
      fs.rmSync(lockPath, { force: true }); // stale lock from a process that is gone
    }
  }
  throw new Error(`could not lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

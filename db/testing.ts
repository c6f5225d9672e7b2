import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type Database, openDatabase, type PostgresDriver, postgresDriverNamed } from './client';
import { MIGRATIONS_FOLDER } from './env';

/** Test support: real databases only. PGlite always; the Postgres server when TEST_DATABASE_URL is set. */
export type Backend = 'pglite' | 'postgres';

export const postgresUrl = (): string => inject('postgresUrl');

export const testBackends = (): Backend[] => (postgresUrl() ? ['pglite', 'postgres'] : ['pglite']);

/** BROOK_DB_DRIVER=postgres.js runs the Postgres cases on postgres.js (the driver comparison, docs/storage.md). */
export const testDriver = (): PostgresDriver | undefined => postgresDriverNamed(process.env.BROOK_DB_DRIVER);

/** A migrated database: a fresh in-memory PGlite, or this run's fresh database on the server. */
export async function openTestDatabase(backend: Backend, poolSize = 20): Promise<Database> {
  if (backend === 'postgres') {
    const url = postgresUrl();
    if (!url) throw new Error('TEST_DATABASE_URL is not set');
    return openDatabase({ url, poolSize, driver: testDriver() });
  }
  const db = await openDatabase({ dataDir: 'memory://' });
  await db.migrate(MIGRATIONS_FOLDER);
  return db;
}

/** Topic names unique to a test, so files running in parallel on one database never collide. */
export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/**
 * Everything a rejected request must not change: topics, watermarks, segments, log tables and rows.
 * Compare before and after to prove "nothing changed".
 */
export async function snapshotState(db: Database): Promise<string> {
  const topics = await db.query(`SELECT id, name, partition_count, configs::text AS configs FROM topics ORDER BY id`);
  const partitions = await db.query(
    `SELECT id, topic_id, partition, log_start_offset, high_watermark, bytes FROM topic_partitions ORDER BY id`,
  );
  const segments = await db.query(`SELECT partition_id, base_offset, end_offset FROM log_segments ORDER BY 1, 2`);
  // Every log table under `records`, whatever its generated name.
  const tables = await db.query<{ relname: string }>(
    `SELECT relid::text AS relname FROM pg_partition_tree('records') WHERE relid <> 'records'::regclass ORDER BY 1`,
  );
  const [rows] = await db.query(`SELECT count(*)::int AS n FROM records`);
  const groups = await db.query(`SELECT group_id, state::text AS state FROM consumer_groups ORDER BY group_id`);
  const offsets = await db.query(`SELECT group_id, topic, partition, committed_offset FROM group_offsets ORDER BY 1, 2, 3`);
  const [commits] = await db.query(`SELECT count(*)::int AS n FROM group_offset_commits`);
  return JSON.stringify({ topics, partitions, segments, tables: tables.map((t) => t.relname), rows, groups, offsets, commits });
}

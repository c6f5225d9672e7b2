import fs from 'node:fs';
import path from 'node:path';
import type { Queryable } from './client';

export interface MigrationStatus {
  applied: number;
  expected: number;
  current: boolean;
}

/** Compares drizzle's applied-migrations table with the journal shipped in the migrations folder. */
export async function migrationStatus(db: Queryable, migrationsFolder: string): Promise<MigrationStatus> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
  const applied = row?.n ?? 0;
  return { applied, expected: journal.entries.length, current: applied >= journal.entries.length };
}

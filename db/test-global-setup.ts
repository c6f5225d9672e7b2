import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { openDatabase } from './client';
import { MIGRATIONS_FOLDER } from './env';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of this run's fresh database on the Postgres server, or '' when TEST_DATABASE_URL is unset. */
    postgresUrl: string;
  }
}

/**
 * With TEST_DATABASE_URL set, every test run gets its own database `brook_test_<random>` on that server
 * (created, migrated, and dropped at the end), so no run depends on what an earlier one left.
 */
export default async function setup(project: TestProject) {
  const base = process.env.TEST_DATABASE_URL?.trim();
  if (!base) {
    console.warn('[brook] TEST_DATABASE_URL is not set: the suite runs on PGlite only (set it to also test a Postgres server).');
    project.provide('postgresUrl', '');
    return;
  }
  const name = `brook_test_${randomBytes(5).toString('hex')}`;
  const { default: postgres } = await import('postgres');
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), poolSize: 2 });
  try {
    await db.migrate(MIGRATIONS_FOLDER);
  } finally {
    await db.close();
  }
  project.provide('postgresUrl', url.toString());
  return async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}

import path from 'node:path';
import { brookEnv, databaseOptions } from '@/server/env';
import { openDatabase } from './client';
import { MIGRATIONS_FOLDER } from './env';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded PGlite folder. */
async function main() {
  const db = await openDatabase(databaseOptions(brookEnv()));
  try {
    await db.migrate(MIGRATIONS_FOLDER);
    console.log(`migrations applied to ${db.description}`);
  } finally {
    await db.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('db', 'migrate.ts'))) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

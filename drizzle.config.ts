import { defineConfig } from 'drizzle-kit';

// Only the plain tables live in db/schema.ts. The partitioned tables (the log `records`, and the hourly
// `lag_samples` and `topic_samples`) are custom SQL migrations, because drizzle-kit cannot express
// PARTITION BY; their children are created at run time (records_p<id>[_s<base>], <table>_h<hour>).
// Filtered out here, so pull/push/check never see them as drift.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  tablesFilter: ['!records', '!records_*', '!lag_samples', '!lag_samples_*', '!topic_samples', '!topic_samples_*'],
});

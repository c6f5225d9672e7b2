import { defineConfig } from 'drizzle-kit';

// Only the plain tables live in db/schema.ts. The partitioned log (`records`) is written as custom SQL
// migrations, because drizzle-kit cannot express PARTITION BY; its children are created at run time.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  tablesFilter: ['!records', '!records_*'],
});

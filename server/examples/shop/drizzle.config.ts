import { defineConfig } from 'drizzle-kit';

// The online-store example's migrations: its own tables in its own Postgres schema, applied when the
// example starts (separately from the broker's, in their own migrations table).
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/examples/shop/schema.ts',
  out: './server/examples/shop/migrations',
  schemaFilter: ['brook_shop'],
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
});

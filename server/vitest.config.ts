import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.resolve(import.meta.dirname, '..');

export default defineConfig({
  root,
  // `server-only` throws outside React's server build; tests run server modules directly.
  resolve: { alias: { '@': root, 'server-only': path.join(root, 'node_modules/server-only/empty.js') } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**'],
    globalSetup: ['./server/test-next-build.ts', './db/test-global-setup.ts'],
    pool: 'forks',
    // Each file opens its own PGlite (a few seconds) and shares one fresh Postgres database per run.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from '@playwright/test';
import { ADMIN_PASSWORD, dbUrlFile } from './auth/settings';
import base from './playwright.config';

const port = Number(process.env.E2E_PORT ?? 3100);

/**
 * The console with authentication on: the same built app and browser as playwright.config.ts, its own
 * server (BROOK_AUTH=on, a first admin from BROOK_ADMIN_PASSWORD) on a fresh database, only e2e/auth/.
 * `npm run test:e2e` runs this after the main config (one port, one server at a time).
 */
export default defineConfig({
  ...base,
  testMatch: ['auth/*.spec.ts', 'security/*.auth.spec.ts'],
  testIgnore: [],
  webServer: {
    ...(Array.isArray(base.webServer) ? base.webServer[0] : base.webServer!),
    env: { BROOK_AUTH: 'on', BROOK_ADMIN_PASSWORD: ADMIN_PASSWORD, BROOK_HIDE_PAYLOADS: 'viewer', E2E_DB_URL_FILE: dbUrlFile(port) },
  },
});

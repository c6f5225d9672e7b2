import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * BROOK_AUTH=none: nobody logs in and every page says so in a red banner. Its own server (one port, run
 * after the others by `npm run test:e2e`), only e2e/auth/open/.
 */
export default defineConfig({
  ...base,
  testMatch: 'auth/open/*.spec.ts',
  testIgnore: [],
  webServer: {
    ...(Array.isArray(base.webServer) ? base.webServer[0] : base.webServer!),
    env: { BROOK_AUTH: 'none' },
  },
});

import os from 'node:os';
import path from 'node:path';

/** The auth suite's server (e2e/playwright.auth.config.ts): BROOK_AUTH=on with this first admin. */
export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'e2e-admin-password-0137';

/**
 * e2e/serve.ts writes its database's URL here (Postgres only), so a test can end a session the way time
 * would (its expiry moved into the past) without waiting BROOK_SESSION_HOURS.
 */
export const dbUrlFile = (port: string | number) => path.join(os.tmpdir(), `brook-e2e-${port}.database-url`);

import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test';
import { BrookApi, test as base, expect, type PageErrors } from '../fixtures';
import { ADMIN_PASSWORD, ADMIN_USER } from './settings';

/** Logs `request` in through the API (auth.login sets the session cookie in its cookie jar). */
export async function apiLogin(request: APIRequestContext, username: string, password: string) {
  const res = await request.post('/api/trpc/auth.login', { data: { username, password } });
  expect(res.status(), `log in as ${username}`).toBe(200);
}

/** A browser of its own, logged in as `username` (through the API: the login form has its own tests). */
export async function loggedInPage(
  browser: Browser,
  pageErrors: PageErrors,
  username: string,
  password: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = pageErrors.watchContext(await browser.newContext());
  await apiLogin(context.request, username, password);
  return { context, page: await context.newPage() };
}

/**
 * The server's own origin. Playwright's API requests send no Origin, and the edge refuses a change that
 * carries the session cookie without one (a browser always sends it): API calls add it, as a page would.
 */
export const OWN_ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;

/** A raw tRPC call: status and body, for asserting refusals (BrookApi throws on them). */
export async function call(request: APIRequestContext, path: string, input?: unknown, init: { headers?: Record<string, string> } = {}) {
  const [, name] = path.split('.');
  const isQuery = ['list', 'get', 'me', 'users', 'tokens', 'audit', 'describe'].includes(name);
  const res = isQuery
    ? await request.get(`/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, init)
    : await request.post(`/api/trpc/${path}`, { data: input ?? {}, headers: { origin: OWN_ORIGIN, ...init.headers } });
  return { status: res.status(), body: await res.json() };
}

/**
 * The suite's fixtures with `api` logged in as the first admin (BROOK_ADMIN_PASSWORD), for seeding; its
 * `request` sends Brook's own Origin (see OWN_ORIGIN).
 */
export const test = base.extend<{ api: BrookApi }>({
  request: async ({ playwright, baseURL }, use) => {
    const request = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: OWN_ORIGIN } });
    await use(request);
    await request.dispose();
  },
  api: async ({ request }, use) => {
    await apiLogin(request, ADMIN_USER, ADMIN_PASSWORD);
    await use(new BrookApi(request));
  },
});

export { expect };

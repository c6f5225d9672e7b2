import { type APIRequestContext, type BrowserContext, test as base, type ConsoleMessage, expect, type Page } from '@playwright/test';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Outputs = inferRouterOutputs<AppRouter>;
type Router = keyof Outputs & string;

/** Seeding through the public tRPC HTTP API only (what curl would do); answers typed from the router. */
export class BrookApi {
  constructor(private readonly request: APIRequestContext) {}

  async mutate<R extends Router, N extends keyof Outputs[R] & string>(path: `${R}.${N}`, input: unknown): Promise<Outputs[R][N]> {
    const res = await this.request.post(`/api/trpc/${path}`, { data: input });
    const body = await res.json();
    if (!res.ok()) throw new Error(`${path}: ${res.status()} ${JSON.stringify(body.error?.message)}`);
    return body.result.data;
  }

  async query<R extends Router, N extends keyof Outputs[R] & string>(path: `${R}.${N}`, input?: unknown): Promise<Outputs[R][N]> {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await this.request.get(`/api/trpc/${path}${qs}`);
    const body = await res.json();
    if (!res.ok()) throw new Error(`${path}: ${res.status()} ${JSON.stringify(body.error?.message)}`);
    return body.result.data;
  }
}

export const uniqueTopic = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/**
 * Every uncaught exception (`pageerror`, e.g. React's hydration error #418) and every console error of
 * the pages a test opens; the test fails at teardown if any was seen. A test that provokes an error on
 * purpose (a 404 page, a refused request) says so with `allow(pattern)`.
 */
export class PageErrors {
  private readonly seen: string[] = [];
  private readonly allowed: RegExp[] = [];

  /** Watch one page (the `page` fixture is watched already). */
  watch(page: Page): Page {
    page.on('pageerror', (err) => this.record(`pageerror on ${page.url()}: ${err.message}`));
    page.on('console', (msg) => this.onConsole(msg, page.url()));
    return page;
  }

  /** Watch every page of a context made with browser.newContext(), present and future. */
  watchContext(ctx: BrowserContext): BrowserContext {
    for (const p of ctx.pages()) this.watch(p);
    ctx.on('page', (p) => this.watch(p));
    return ctx;
  }

  allow(pattern: RegExp) {
    this.allowed.push(pattern);
  }

  assertNone() {
    const unexpected = this.seen.filter((m) => !this.allowed.some((re) => re.test(m)));
    expect(unexpected, 'page errors and console errors').toEqual([]);
  }

  private onConsole(msg: ConsoleMessage, url: string) {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url || url;
    this.record(`console error on ${url}: ${msg.text()}${where && where !== url ? ` (${where})` : ''}`);
  }

  private record(message: string) {
    this.seen.push(message);
  }
}

export const test = base.extend<{ api: BrookApi; pageErrors: PageErrors }>({
  api: async ({ request }, use) => use(new BrookApi(request)),
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this destructuring; it must be an object pattern.
  pageErrors: async ({}, use) => {
    const errors = new PageErrors();
    await use(errors);
    errors.assertNone();
  },
  page: async ({ page, pageErrors }, use) => {
    pageErrors.watch(page);
    await use(page);
  },
});

export { expect };

import { type APIRequestContext, type BrowserContext, test as base, type ConsoleMessage, expect, type Page } from '@playwright/test';

/** Seeding through the public tRPC HTTP API only (what curl would do). */
export class BrookApi {
  constructor(private readonly request: APIRequestContext) {}

  async mutate<T = any>(path: string, input: unknown): Promise<T> {
    const res = await this.request.post(`/api/trpc/${path}`, { data: input });
    const body = await res.json();
    if (!res.ok()) throw new Error(`${path}: ${res.status()} ${JSON.stringify(body.error?.message)}`);
    return body.result.data as T;
  }

  async query<T = any>(path: string, input?: unknown): Promise<T> {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await this.request.get(`/api/trpc/${path}${qs}`);
    const body = await res.json();
    if (!res.ok()) throw new Error(`${path}: ${res.status()} ${JSON.stringify(body.error?.message)}`);
    return body.result.data as T;
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

import { test as base, expect, type APIRequestContext } from '@playwright/test';

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

export const test = base.extend<{ api: BrookApi }>({
  api: async ({ request }, use) => use(new BrookApi(request)),
});

export { expect };

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '@/db/client';
import type { Backend } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import type { OutputOf, ProcedurePath } from '@/server/client/api-types';
import { requestContext } from './edge/credentials';
import { handleApiRequest, withApi } from './edge/handler';
import { appRouter } from './root';

/**
 * Test support: the same tRPC router served over real HTTP on a random port (what the Next.js route
 * serves in production), for tests of the HTTP client without building the app.
 */
export async function startTestServer(broker: Broker): Promise<{ url: string; close(): Promise<void> }> {
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    createContext: async ({ req }) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const address = req.socket.remoteAddress ?? null;
      return withApi(await requestContext(broker, headers, { address, secure: false, clientHost: address ?? '' }, new Headers()));
    },
  });
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An error as Brook answers it: tRPC's shape, with Kafka's error name and code in `data.kafka`. */
export interface ApiError {
  message: string;
  code: number;
  data: { code: string; httpStatus: number; kafka: { name: string; code: number; retriable: boolean } };
}

/**
 * An answer as a test reads it: `result.data` (the procedure's output, typed by path) on success, `error`
 * otherwise. Only one is there, so look at `status` first; both are typed as present so assertions read
 * them directly (reading the absent one throws, and the test fails).
 */
export interface ApiAnswer<T = unknown> {
  result: { data: T };
  error: ApiError;
}

/** The output type of a known path; unknown for any other string (hostile-input tables). */
export type AnswerData<P extends string> = P extends ProcedurePath ? OutputOf<P> : unknown;

/**
 * Test support: one tRPC call through the whole HTTP edge (body limit, Host/Origin rules, router), as
 * curl would make it: GET with `?input=` for queries, POST with a JSON body for mutations.
 */
export async function callApi<P extends string>(
  broker: Broker,
  method: 'GET' | 'POST',
  path: P,
  input: unknown,
): Promise<{ status: number; body: ApiAnswer<AnswerData<P>> }> {
  const url = new URL(`http://localhost:3000/api/trpc/${path}`);
  const headers = { host: 'localhost:3000', 'content-type': 'application/json' };
  if (method === 'GET' && input !== undefined) url.searchParams.set('input', JSON.stringify(input));
  const req = method === 'GET' ? new Request(url, { headers }) : new Request(url, { method, headers, body: JSON.stringify(input) });
  const res = await handleApiRequest(req, async () => broker);
  return { status: res.status, body: (await res.json()) as ApiAnswer<AnswerData<P>> };
}

/**
 * Test support: a started broker on a fresh test database, served over real HTTP, for the enclosing
 * describe block (the client library's tests). Hooks registered after it in the block run their
 * afterAll first, so consumers can disconnect while the server is still up.
 */
export function testApiServer(backend: Backend, use: (env: { db: Database; broker: Broker; url: string }) => void): void {
  let env: { db: Database; broker: Broker } | null = null;
  let server: { url: string; close(): Promise<void> } | null = null;
  testBroker(backend, (e) => (env = e), { start: true });
  beforeAll(async () => {
    if (!env) throw new Error('testBroker did not start');
    server = await startTestServer(env.broker);
    use({ ...env, url: server.url });
  });
  afterAll(async () => {
    await server?.close();
  });
}

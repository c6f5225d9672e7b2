import type { AddressInfo } from 'node:net';
import type { Broker } from '@/server/broker';
import { type AppServer, createAppServer, type TlsCertificate } from '@/server/serve/app-server';
import { appRouter } from '../root';

/**
 * Test support: the real HTTP server (server/serve/app-server.ts: the tRPC edge on Node's request, health,
 * metrics) on a free loopback port for `broker`; pages answer 404 (no Next build needed).
 */
export async function startAppServer(broker: Broker, tls?: TlsCertificate): Promise<{ url: string; close(): Promise<void> }> {
  const app: AppServer = createAppServer({
    tls,
    getBroker: async () => broker,
    next: async (_req, res) => {
      res.statusCode = 404;
      res.end();
    },
  });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const { port } = app.server.address() as AddressInfo;
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, close: async () => void (await app.close(1_000)) };
}

export type Credentials = { bearer?: string; cookie?: string; headers?: Record<string, string> };

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON the server answered
  body: any;
}

/**
 * One call as curl makes it: queries GET ?input=, mutations POST, subscriptions GET as an event stream
 * (only the status and headers are read; the stream is closed at once).
 */
export async function callProcedure(url: string, path: string, input: unknown, credentials: Credentials = {}): Promise<Answer> {
  const procedure = (appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)[path];
  if (!procedure) throw new Error(`no procedure ${path}`);
  const type = procedure._def.type;
  const headers: Record<string, string> = { ...credentials.headers };
  if (credentials.bearer !== undefined) headers.authorization = `Bearer ${credentials.bearer}`;
  if (credentials.cookie !== undefined) {
    headers.cookie = credentials.cookie;
    // As a browser sends it: the edge refuses a cookie-carrying change without its own Origin.
    headers.origin ??= new URL(url).origin;
  }
  const target = new URL(`${url}/api/trpc/${path}`);
  if (type !== 'mutation' && input !== undefined) target.searchParams.set('input', JSON.stringify(input));
  if (type === 'subscription') {
    const controller = new AbortController();
    const res = await fetch(target, { headers: { ...headers, accept: 'text/event-stream' }, signal: controller.signal });
    const body = res.status === 200 ? null : await res.json();
    controller.abort();
    return { status: res.status, headers: res.headers, body };
  }
  const init: RequestInit =
    type === 'mutation'
      ? { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(input ?? {}) }
      : { headers };
  const res = await fetch(target, init);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

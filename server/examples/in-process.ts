import { Brook } from '@/server/client';

/**
 * Brook's client over an in-process fetch (`ctx.api` as the examples' services, `ctx.callerApi` as the
 * caller): the same edge and router as over a socket, without one.
 */
export function inProcessBrook(fetchFn: typeof fetch, clientId: string, options: { forRequest?: boolean } = {}): Brook {
  return new Brook({
    url: 'http://localhost',
    clientId,
    // The edge checks Host like any request's; a Request made here carries none unless given one.
    headers: { host: 'localhost' },
    fetch: fetchFn,
    // Serving a request: the engine already holds each call through a database outage (BROOK_DB_HOLD_MS);
    // the client's own retries on top would keep the caller waiting several times as long.
    ...(options.forRequest ? { retry: false as const } : {}),
  });
}

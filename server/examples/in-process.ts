import { Brook } from '@/server/client';

/**
 * Brook's client over an in-process fetch (`ctx.api` as the examples' services, `ctx.callerApi` as the
 * caller): the same edge and router as over a socket, without one.
 */
export function inProcessBrook(fetchFn: typeof fetch, clientId: string): Brook {
  // The edge checks Host like any request's; a Request made here carries none unless given one.
  return new Brook({ url: 'http://localhost', clientId, headers: { host: 'localhost' }, fetch: fetchFn });
}

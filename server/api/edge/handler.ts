import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { errorId } from '../errors';
import { appRouter } from '../root';
import type { Context } from '../trpc';
import { guardApiRequest } from './guard';

/** The first hop in X-Forwarded-For when behind a proxy or load balancer. */
function clientHost(req: Request): string {
  return req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || req.headers.get('x-real-ip') || '';
}

/**
 * The tRPC API as server/main.ts serves it: Host, Origin, URL and body limits first (nothing
 * oversized or foreign is read or parsed), then the router. Tests call it with their own broker; the
 * benchmark's reference route through Next (app/api/bench) serves it under another `endpoint`.
 */
export async function handleApiRequest(
  original: Request,
  broker: () => Promise<Context['broker']>,
  endpoint = '/api/trpc',
): Promise<Response> {
  const guarded = await guardApiRequest(original);
  if ('response' in guarded) return guarded.response;
  return serveTrpc(guarded.request, guarded.release, broker, endpoint);
}

/** tRPC's fetch adapter on a request that passed the edge; `release` gives its body back to the shared budget. */
export async function serveTrpc(
  req: Request,
  release: () => void,
  broker: () => Promise<Context['broker']>,
  endpoint = '/api/trpc',
): Promise<Response> {
  try {
    return await fetchRequestHandler({
      endpoint,
      req,
      router: appRouter,
      createContext: async () => ({ broker: await broker(), clientHost: clientHost(req), headers: req.headers }),
      onError({ error, path }) {
        // Client mistakes are answered, not logged; only unexpected failures reach the server log.
        if (error.code === 'INTERNAL_SERVER_ERROR')
          console.error(`[brook] tRPC ${path ?? '?'} failed (id ${errorId(error)}):`, error.cause ?? error);
      },
    });
  } finally {
    release(); // the body has been parsed and answered: its bytes leave the shared budget
  }
}

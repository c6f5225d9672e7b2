import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Principal } from '@/server/broker/auth/types';
import { errorId } from '../errors';
import { appRouter } from '../root';
import type { Context } from '../trpc';
import { EXAMPLE_PRINCIPAL, forwardedHttps, type RequestFacts, requestContext } from './credentials';
import { guardApiRequest } from './guard';

/** The first hop in X-Forwarded-For when behind a proxy or load balancer. */
export function clientHost(headers: Headers): string {
  return headers.get('x-forwarded-for')?.split(',')[0]?.trim() || headers.get('x-real-ip') || '';
}

/** A web Request has no socket: its peer is what a proxy in front said (the bench route through Next, tests). */
function webFacts(req: Request): RequestFacts {
  const host = clientHost(req.headers);
  return { address: host || null, secure: new URL(req.url).protocol === 'https:' || forwardedHttps(req.headers), clientHost: host };
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
  as?: Principal,
): Promise<Response> {
  const guarded = await guardApiRequest(original);
  if ('response' in guarded) return guarded.response;
  return serveTrpc(guarded.request, guarded.release, broker, { endpoint, facts: webFacts(guarded.request), as });
}

/**
 * The examples' clients call the API in this process (no socket), through the same edge as anyone's, as
 * EXAMPLE_PRINCIPAL. The module is imported when first used: it imports the router that imports the examples.
 */
export function inProcessFetch(broker: Context['broker']): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('host', 'localhost'); // an allowed Host, as a local client would send
    return handleApiRequest(new Request(input, { ...init, headers }), async () => broker, undefined, EXAMPLE_PRINCIPAL);
  };
}

/** tRPC's fetch adapter on a request that passed the edge; `release` gives its body back to the shared budget. */
export async function serveTrpc(
  req: Request,
  release: () => void,
  broker: () => Promise<Context['broker']>,
  options: { endpoint?: string; facts: RequestFacts; as?: Principal },
): Promise<Response> {
  try {
    return await fetchRequestHandler({
      endpoint: options.endpoint ?? '/api/trpc',
      req,
      router: appRouter,
      createContext: async ({ resHeaders }) => requestContext(await broker(), req.headers, options.facts, resHeaders, options.as),
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

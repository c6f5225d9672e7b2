import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { getBroker } from '@/server/runtime';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The first hop in X-Forwarded-For when behind a proxy or load balancer. */
function clientHost(req: Request): string {
  return req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || req.headers.get('x-real-ip') || '';
}

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: async () => ({ broker: await getBroker(), clientHost: clientHost(req) }),
    onError({ error, path }) {
      // Client mistakes are answered, not logged; only unexpected failures reach the server log.
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[brook] tRPC ${path ?? '?'} failed:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };

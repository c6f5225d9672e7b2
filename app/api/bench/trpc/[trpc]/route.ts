import { handleApiRequest } from '@/server/api/edge/handler';
import { getBroker } from '@/server/runtime';
import { benchRoutesEnabled, notFound } from '../../enabled';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * The API as a Next.js route handler served it before server/main.ts: same edge rules, router and
 * context (handleApiRequest), only reached through Next. The bench compares the two in one run.
 */
const handler = (req: Request) => (benchRoutesEnabled() ? handleApiRequest(req, getBroker, '/api/bench/trpc') : notFound());

export { handler as GET, handler as POST };

import { handleApiRequest } from '@/server/api/edge/handler';
import { getBroker } from '@/server/runtime';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const handler = (req: Request) => handleApiRequest(req, getBroker);

export { handler as GET, handler as POST };

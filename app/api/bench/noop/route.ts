import { benchRoutesEnabled, notFound } from '../enabled';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A route that does nothing: Next's own per-request cost, the bench's reference. */
export function GET() {
  if (!benchRoutesEnabled()) return notFound();
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}

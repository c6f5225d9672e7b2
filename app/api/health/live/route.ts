export const dynamic = 'force-dynamic';

/** Liveness: the process serves HTTP (touches nothing else; use /api/health for readiness). */
export function GET() {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}

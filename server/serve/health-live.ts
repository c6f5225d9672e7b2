import { DEFAULT_LIVENESS_TIMEOUT_MS, liveness } from '@/db/activity';
import { brookEnv } from '@/server/env';
import { peekRuntime } from '@/server/runtime';

/**
 * Liveness: 503 once the database has not answered for BROOK_LIVENESS_TIMEOUT_MS (default 60 s) while
 * calls wait for it or fail to reach it, so an orchestrator restarts a process that can no longer serve.
 * Never touches the database itself, so it answers at once; use /api/health for readiness.
 */
export function healthLive(): Response {
  const runtime = peekRuntime();
  if (!runtime) return Response.json({ status: 'starting' }, { headers: { 'cache-control': 'no-store' } });
  const timeoutMs = brookEnv().BROOK_LIVENESS_TIMEOUT_MS ?? DEFAULT_LIVENESS_TIMEOUT_MS;
  const verdict = liveness(runtime.db.activity(), Date.now(), timeoutMs);
  return Response.json(
    { status: verdict.live ? 'ok' : 'stalled', reason: verdict.reason },
    { status: verdict.live ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}

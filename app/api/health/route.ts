import { MIGRATIONS_FOLDER } from '@/db/env';
import { migrationStatus } from '@/db/migration-status';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Readiness for load balancers: the database answers and its migrations are current (200), else 503. */
export async function GET() {
  try {
    const { db, startedAt } = await getRuntime();
    const migrations = await migrationStatus(db, MIGRATIONS_FOLDER);
    const ok = migrations.current;
    return Response.json(
      { status: ok ? 'ok' : 'migrations pending', database: db.driver, migrations, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) },
      { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
    );
  } catch (err) {
    return Response.json(
      { status: 'database unavailable', error: err instanceof Error ? err.message : String(err) },
      { status: 503, headers: { 'cache-control': 'no-store' } },
    );
  }
}

import { postgresDriverPatched } from '@/db/client';
import { MIGRATIONS_FOLDER } from '@/db/env';
import { migrationStatus } from '@/db/migration-status';
import { asBrokerError } from '@/server/broker/errors';
import { getRuntime } from '@/server/runtime';

/** A load balancer's check must get an answer, not hang while the database does not answer. */
const READINESS_WAIT_MS = 2_000;

const noStore = { 'cache-control': 'no-store' };

/**
 * Readiness for load balancers: the database answers, its migrations are current and, on postgres.js
 * (BROOK_DB_DRIVER=postgres.js), the driver has its outage fixes (200); else 503. Without the fixes (an
 * install that skipped postinstall) a database restart can wedge the process, so it must not take traffic.
 */
export async function healthReady(driverPatched: () => boolean = postgresDriverPatched): Promise<Response> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('no answer from the database'), { code: 'CONNECT_TIMEOUT' })),
      READINESS_WAIT_MS,
    );
  });
  try {
    const check = getRuntime().then(async ({ db, startedAt }) => ({
      db,
      startedAt,
      migrations: await migrationStatus(db, MIGRATIONS_FOLDER),
    }));
    check.catch(() => {}); // may settle after the deadline
    const { db, startedAt, migrations } = await Promise.race([check, deadline]);
    const fixed = db.library !== 'postgres.js' || driverPatched();
    const ok = migrations.current && fixed;
    return Response.json(
      {
        status: !fixed ? 'driver without its outage fixes (run npm install)' : ok ? 'ok' : 'migrations pending',
        database: db.driver,
        migrations,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      },
      { status: ok ? 200 : 503, headers: noStore },
    );
  } catch (err) {
    // The driver's text names the database host and port: the body says what a caller can act on.
    const kafka = asBrokerError(err);
    if (!kafka) console.error('[brook] readiness check failed:', err);
    return Response.json(
      {
        status: 'database unavailable',
        error: kafka?.message ?? 'The database check failed (see the server log).',
        kafka: kafka ? { name: kafka.kafkaName, code: kafka.kafkaCode, retriable: kafka.retriable } : null,
      },
      { status: 503, headers: noStore },
    );
  } finally {
    clearTimeout(timer);
  }
}

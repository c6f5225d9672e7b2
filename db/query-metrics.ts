import { Counter, Histogram } from 'prom-client';
import { transientKind } from './transient';

/**
 * Time and errors of every SQL statement, recorded by the adapter (db/client.ts) around each call and
 * keyed by the statement's name (QueryOptions.name), as tansu's prepare_execute does. The metrics belong
 * to no registry here: the broker's registry (server/broker/metrics.ts) adds them to /api/metrics.
 * One pair per process on globalThis, like the broker's (Next.js loads modules more than once).
 */
export interface QueryMetrics {
  seconds: Histogram<'statement'>;
  errors: Counter<'statement' | 'kind'>;
}

/** Label of a statement run without a name (bounded: never derived from the text). */
export const UNNAMED_STATEMENT = 'unnamed';

function create(): QueryMetrics {
  return {
    seconds: new Histogram({
      name: 'brook_db_query_seconds',
      help: 'Time of SQL statements, by statement name, errors included.',
      labelNames: ['statement'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [],
    }),
    errors: new Counter({
      name: 'brook_db_query_errors_total',
      help: 'SQL statements that failed, by statement name and kind (unavailable, conflict, timeout, or the SQLSTATE).',
      labelNames: ['statement', 'kind'],
      registers: [],
    }),
  };
}

const globalForMetrics = globalThis as typeof globalThis & { __brookQueryMetrics?: QueryMetrics };

export function queryMetrics(): QueryMetrics {
  globalForMetrics.__brookQueryMetrics ??= create();
  return globalForMetrics.__brookQueryMetrics;
}

/** A bounded label for a failure: the transient kind, else the SQLSTATE, else "other". */
export function errorKind(err: unknown): string {
  const transient = transientKind(err);
  if (transient) return transient;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : 'other';
}

/** Runs one statement, recording its time under `statement` (and its failure, if it fails). */
export async function observeStatement<T>(statement: string | undefined, run: () => Promise<T>): Promise<T> {
  const m = queryMetrics();
  const label = statement ?? UNNAMED_STATEMENT;
  const started = performance.now();
  try {
    return await run();
  } catch (err) {
    m.errors.inc({ statement: label, kind: errorKind(err) });
    throw err;
  } finally {
    m.seconds.observe({ statement: label }, (performance.now() - started) / 1000);
  }
}

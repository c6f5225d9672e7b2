import type { PrivateCluster } from '@/db/private-cluster';
import { sleep } from '../producers';
import type { Rng } from '../rng';

/** The Postgres faults of the Kafka workload; Brook itself keeps running through all of them. */
export type PgFaultKind = 'stop-fast-2s' | 'stop-fast-10s' | 'stop-immediate' | 'restart-fast';
export const PG_FAULT_KINDS: readonly PgFaultKind[] = ['stop-fast-2s', 'stop-fast-10s', 'stop-immediate', 'restart-fast'];
export const PG_FAULT_LABELS: Record<PgFaultKind, string> = {
  'stop-fast-2s': 'pg_ctl stop -m fast, 2 s down',
  'stop-fast-10s': 'pg_ctl stop -m fast, 10 s down',
  'stop-immediate': 'pg_ctl stop -m immediate (crash)',
  'restart-fast': 'pg_ctl restart -m fast',
};

export interface PgFault {
  /** When it strikes, in ms from the start of the workload. */
  at: number;
  kind: PgFaultKind;
  /** How long Postgres stays stopped before pg_ctl start (ms; 0 for a restart). */
  downMs: number;
}

/**
 * `cycles` rounds of the four kinds, each round in a random order, one fault at a random moment in each
 * equal slice of the first 90% of the run: a fast stop held 2 s, one held 10 s (beyond Brook's 10 s hold of
 * database calls, so clients see its outage answers), an immediate stop (a crash: WAL recovery at the next
 * start) held 0.2 to 3 s, and a fast restart.
 */
export function planPostgresFaults(rng: Rng, opts: { durationMs: number; cycles: number }): PgFault[] {
  const kinds: PgFaultKind[] = [];
  for (let c = 0; c < opts.cycles; c++) {
    const round = [...PG_FAULT_KINDS];
    for (let i = round.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [round[i], round[j]] = [round[j], round[i]];
    }
    kinds.push(...round);
  }
  const slice = (opts.durationMs * 0.9) / Math.max(1, kinds.length);
  return kinds.map((kind, i) => ({
    at: Math.round(slice * (i + rng.between(0.1, 0.9))),
    kind,
    downMs:
      kind === 'stop-fast-2s'
        ? 2_000
        : kind === 'stop-fast-10s'
          ? 10_000
          : kind === 'stop-immediate'
            ? Math.round(rng.between(200, 3_000))
            : 0,
  }));
}

export interface PgFaultRecord {
  kind: PgFaultKind;
  /** When the stop (or restart) began, and when pg_ctl start (or restart) returned: Postgres back (ms since the epoch). */
  stoppedAt: number;
  backAt: number;
  /** How long pg_ctl stop, and pg_ctl start (or the whole restart), took (ms). */
  stopMs: number;
  startMs: number;
}

/** After a recovery, the next fault waits this much and for an acknowledgement of every producer (at most MAX). */
const MIN_UPTIME_MS = 1_000;
const MAX_PROGRESS_WAIT_MS = 30_000;

/**
 * Runs the schedule in order. Before each fault, and after the last, it waits until every producer has had
 * an acknowledgement since Postgres was last back (at most 30 s), so faults strike under traffic and each
 * recovery's time to the first acknowledgement is measured before the next fault. `ackedSince(t)`: whether
 * every producer has an acknowledgement at or after t. `say` reports each fault as it strikes, `onBack`
 * each return of Postgres.
 */
export async function runPostgresFaults(
  plan: readonly PgFault[],
  postgres: PrivateCluster,
  records: PgFaultRecord[],
  ackedSince: (t: number) => boolean,
  say: (line: string) => void,
  onBack: (record: PgFaultRecord) => void = () => {},
): Promise<void> {
  const started = Date.now();
  const waitForProgress = async () => {
    const last = records.at(-1);
    if (!last) return;
    await sleep(MIN_UPTIME_MS);
    while (!ackedSince(last.backAt) && Date.now() - last.backAt < MAX_PROGRESS_WAIT_MS) await sleep(50);
  };
  for (const fault of plan) {
    await waitForProgress();
    const wait = fault.at - (Date.now() - started);
    if (wait > 0) await sleep(wait);
    const stoppedAt = Date.now();
    say(`${((stoppedAt - started) / 1000).toFixed(1)} s: ${PG_FAULT_LABELS[fault.kind]}`);
    let stopMs = 0;
    if (fault.kind === 'restart-fast') await postgres.restart('fast');
    else {
      await postgres.stop(fault.kind === 'stop-immediate' ? 'immediate' : 'fast');
      stopMs = Date.now() - stoppedAt;
      await sleep(fault.downMs);
    }
    const startedAt = Date.now();
    if (fault.kind !== 'restart-fast') await postgres.start();
    const backAt = Date.now();
    const record = {
      kind: fault.kind,
      stoppedAt,
      backAt,
      stopMs,
      startMs: backAt - (fault.kind === 'restart-fast' ? stoppedAt : startedAt),
    };
    records.push(record);
    onBack(record);
  }
  await waitForProgress();
}

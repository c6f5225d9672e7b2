import type { PrivateCluster } from '@/db/private-cluster';
import type { BrookProcess } from './brook-process';
import { sleep } from './producers';
import type { Rng } from './rng';

export type FaultKind = 'kill-brook' | 'stop-postgres';

export interface Fault {
  /** When it strikes, in ms from the start of the workload. */
  at: number;
  kind: FaultKind;
  /** How long the process stays down before it is started again (ms). */
  downMs: number;
}

/**
 * The schedule: `brookKills` SIGKILLs of Brook and `postgresStops` immediate stops of Postgres (a crash:
 * recovery from WAL at the next start), in a random order, one at a random moment in each equal slice of
 * the first 90% of the run, so they spread over it and the last one still has traffic after it.
 */
export function planFaults(rng: Rng, opts: { durationMs: number; brookKills: number; postgresStops: number }): Fault[] {
  const kinds: FaultKind[] = [
    ...Array<FaultKind>(opts.brookKills).fill('kill-brook'),
    ...Array<FaultKind>(opts.postgresStops).fill('stop-postgres'),
  ];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const slice = (opts.durationMs * 0.9) / Math.max(1, kinds.length);
  return kinds.map((kind, i) => ({
    at: Math.round(slice * (i + rng.between(0.1, 0.9))),
    kind,
    downMs: Math.round(kind === 'kill-brook' ? rng.between(0, 1500) : rng.between(200, 4000)),
  }));
}

export interface FaultLog {
  brookKills: number;
  postgresStops: number;
  /** How long each Brook start took, to listening (ms). */
  brookStartsMs: number[];
  /** How long each Postgres start took (ms). */
  postgresStartsMs: number[];
}

/** After a recovery, the next fault waits for this much uptime and one more acknowledged send (at most MAX). */
const MIN_UPTIME_MS = 1_000;
const MAX_PROGRESS_WAIT_MS = 30_000;

/**
 * Runs the schedule in order (a fault due while the previous one is still recovering waits for it), so
 * Brook is only started while Postgres is up: a start needs its database for the migrations. On a slow
 * machine, where a restart can take longer than the gap between two faults, each fault also waits until
 * the producers got an acknowledgement since the last recovery: faults strike under traffic, never only
 * into a restart. `acknowledged` counts the acknowledged records so far.
 */
export async function runFaults(
  plan: Fault[],
  brook: BrookProcess,
  postgres: PrivateCluster | null,
  log: FaultLog,
  acknowledged: () => number,
): Promise<void> {
  const started = Date.now();
  for (const [i, fault] of plan.entries()) {
    if (i > 0) {
      const recovered = Date.now();
      const before = acknowledged();
      await sleep(MIN_UPTIME_MS);
      while (acknowledged() === before && Date.now() - recovered < MAX_PROGRESS_WAIT_MS) await sleep(50);
    }
    const wait = fault.at - (Date.now() - started);
    if (wait > 0) await sleep(wait);
    if (fault.kind === 'kill-brook') {
      await brook.kill();
      log.brookKills++;
      await sleep(fault.downMs);
      log.brookStartsMs.push(await brook.start());
    } else {
      if (!postgres) throw new Error('a Postgres fault without a Postgres cluster');
      await postgres.stop('immediate');
      log.postgresStops++;
      await sleep(fault.downMs);
      const t = Date.now();
      await postgres.start();
      log.postgresStartsMs.push(Date.now() - t);
    }
  }
}

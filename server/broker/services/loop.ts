import { databaseLost } from '@/db/transient';

/**
 * A background loop: runs `task` every `intervalMs`, never two runs at once, and keeps going after a
 * failure (logged without parameters, which can carry payloads). While the database is unreachable a
 * loop fails every period: it logs the first failure of such a streak and its end, not every run.
 */
export interface Loop {
  stop(): Promise<void>;
  /** Runs the task now (after any run in progress); for tests and for shutdown flushes. */
  runNow(): Promise<void>;
}

export function startLoop(name: string, intervalMs: number, task: () => Promise<unknown>): Loop {
  let running: Promise<void> | null = null;
  let stopped = false;
  let unavailableRuns = 0;
  const run = (): Promise<void> => {
    if (running) return running.then(run);
    running = task()
      .then(() => {
        if (unavailableRuns > 0) console.warn(`[brook] ${name} recovered after ${unavailableRuns} failed runs (database unavailable)`);
        unavailableRuns = 0;
      })
      .catch((err: unknown) => {
        if (databaseLost(err) && unavailableRuns++ > 0) return;
        const e = err as { message?: string; code?: string };
        const streak = unavailableRuns === 1 ? ' (database unavailable: retrying quietly until it answers)' : '';
        console.warn(`[brook] ${name} failed: ${e?.code ? `${e.code} ` : ''}${e?.message ?? String(err)}${streak}`);
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped && !running) void run();
  }, intervalMs);
  timer.unref?.();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    runNow: run,
  };
}

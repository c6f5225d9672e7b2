/**
 * A background loop: runs `task` every `intervalMs`, never two runs at once, and keeps going after a
 * failure (logged without parameters, which can carry payloads). `stop` waits for a run in progress.
 */
export interface Loop {
  stop(): Promise<void>;
  /** Runs the task now (after any run in progress); for tests and for shutdown flushes. */
  runNow(): Promise<void>;
}

export function startLoop(name: string, intervalMs: number, task: () => Promise<unknown>): Loop {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = (): Promise<void> => {
    if (running) return running.then(run);
    running = task()
      .then(() => undefined)
      .catch((err: unknown) => {
        const e = err as { message?: string; code?: string };
        console.warn(`[brook] ${name} failed: ${e?.code ? `${e.code} ` : ''}${e?.message ?? String(err)}`);
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

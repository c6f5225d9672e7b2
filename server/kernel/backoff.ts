/**
 * Capped exponential backoff with full jitter (AWS's "Exponential Backoff and Jitter"): retry n waits a
 * random time in [0, min(maxMs, initialMs * 2^n)), so many waiters that failed together do not come back
 * together. Shared by everything in Brook that waits before trying again.
 */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export function backoffDelay(retry: number, backoff: Backoff, random: () => number = Math.random): number {
  const cap = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * cap);
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

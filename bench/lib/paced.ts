import { sleep } from './env';

/** Calls `send(i)` for i < total at `rate` per second without waiting for each to finish. */
export async function paced(rate: number, total: number, send: (i: number) => Promise<unknown>): Promise<void> {
  const start = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    inflight.push(send(i));
  }
  await Promise.all(inflight);
}

import { afterEach, describe, expect, it } from 'vitest';
import { GET as noop } from './noop/route';
import { POST as trpc } from './trpc/[trpc]/route';

/** The benchmark's routes through Next exist only with BROOK_BENCH_ROUTES=1. */
describe('bench reference routes (app/api/bench)', () => {
  const saved = process.env.BROOK_BENCH_ROUTES;
  afterEach(() => {
    if (saved === undefined) delete process.env.BROOK_BENCH_ROUTES;
    else process.env.BROOK_BENCH_ROUTES = saved;
  });
  // A foreign Host: the API's edge answers 421 before any engine is needed.
  const produce = () =>
    trpc(
      new Request('http://localhost/api/bench/trpc/records.produce', {
        method: 'POST',
        headers: { host: 'evil.example', 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 't', records: [{ value: 'v' }] }),
      }),
    );

  it.each([undefined, '0'])('answer 404 with BROOK_BENCH_ROUTES=%s', async (value) => {
    if (value === undefined) delete process.env.BROOK_BENCH_ROUTES;
    else process.env.BROOK_BENCH_ROUTES = value;
    expect((await noop()).status).toBe(404);
    expect((await produce()).status).toBe(404);
  });

  it('with BROOK_BENCH_ROUTES=1, serve a no-op and the API behind the same edge rules', async () => {
    process.env.BROOK_BENCH_ROUTES = '1';
    const res = noop();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const refused = await produce();
    expect(refused.status).toBe(421);
    expect(((await refused.json()) as { error: { data: { httpStatus: number } } }).error.data.httpStatus).toBe(421);
  });
});

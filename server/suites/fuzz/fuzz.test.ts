import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { postgresUrl } from '@/db/testing';
import { parseArgs, table } from './main';
import { fail } from './oracle';
import { runFuzz } from './runner';
import type { FuzzEnv, Target } from './target';
import { allTargets } from './targets';

/** The harness itself: a short run of every target, and oracles that do catch what they promise to. */
describe('npm run fuzz', () => {
  // Postgres: a fresh database on the server (not the run's shared one: other test files write there).
  const serverUrl = (): string | undefined => (postgresUrl() ? process.env.TEST_DATABASE_URL : undefined);
  it.each([
    ['PGlite', (): string | undefined => undefined],
    ['Postgres', serverUrl],
  ] as const)(
    '200 cases over every target on %s: no failures',
    async (label, url) => {
      if (label === 'Postgres' && !url()) return;
      const lines: string[] = [];
      const result = await runFuzz({ seed: 42, cases: 200, databaseUrl: url(), ...allTargets(), log: (l) => lines.push(l) });
      const names = result.results.map((r) => r.name);
      expect(names).toEqual(
        expect.arrayContaining(['topics.create', 'records.produce', 'records.tail', 'http.raw', 'kafka.decode', 'kafka.socket']),
      );
      expect(result.results.filter((r) => r.failures > 0).map((r) => r.report)).toEqual([]);
      expect(result.processEvents).toBe(0);
      expect(table(result)).toMatch(/^target\s+cases\s+failures\s+time/);
    },
    300_000,
  );

  it('reports planted bugs (a write on a rejected call, a 500, an unhandled rejection) with seed and shrunk counterexample', async () => {
    const planted = (name: string, run: (env: FuzzEnv, n: number) => Promise<boolean>): Target<number> => ({
      name,
      weight: 1,
      arbitrary: () => fc.integer({ min: 0, max: 1000 }),
      run: async (env, n) => ({ rejected: await run(env, n), summary: 'HTTP 400' }),
      show: (n) => `n = ${n}`,
    });
    const targets = [
      // A call "rejected" after writing a row when its input is above 10.
      planted('planted.write', async (env, n) => {
        if (n > 10) await env.broker.createTopic({ name: `planted-${n}`, partitions: 1 });
        return true;
      }),
      planted('planted.500', async (_env, n) => (n > 500 ? fail(`HTTP 500 for ${n}`) : false)),
      planted('planted.rejection', async (_env, n) => {
        if (n >= 3) void Promise.reject(new Error('nobody awaits this'));
        return false;
      }),
    ];
    const result = await runFuzz({
      seed: 7,
      cases: 300,
      targets: async () => ({ targets: targets as Target<unknown>[], close: async () => {} }),
      log: () => {},
    });
    const [write, error, rejection] = result.results;
    expect(write.failures).toBe(1);
    expect(write.report).toContain('counterexample: n = 11'); // shrunk to the smallest failing input
    expect(write.report).toMatch(/the database changed: .*public\.topics \(rows \d+ → \d+\)/);
    expect(error.report).toContain('counterexample: n = 501');
    expect(error.report).toMatch(/seed -?\d+ \(target\)/);
    expect(rejection.report).toContain('unhandled rejection: Error: nobody awaits this');
    expect(rejection.report).toContain('counterexample: n = 3');
  }, 120_000);

  it('parses --seed, --cases, --only and --auth', () => {
    expect(parseArgs(['--seed', '5', '--cases=1000', '--only', 'kafka,http.raw'])).toEqual({
      seed: 5,
      cases: 1000,
      only: ['kafka', 'http.raw'],
      auth: true,
    });
    expect(parseArgs([]).cases).toBe(10_000);
    expect(parseArgs(['--auth', 'off']).auth).toBe(false);
    expect(parseArgs(['--auth=on'], false).auth).toBe(true);
    expect(() => parseArgs(['--cases', 'x'])).toThrow(/bad value/);
    expect(() => parseArgs(['--nope'])).toThrow(/unknown argument/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { postgresUrl } from '@/db/testing';
import { parseArgs, table } from './main';
import { fail } from './oracle';
import { runFuzz } from './runner';
import type { Target } from './target';
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

  it('reports a rejected call that changed the database, with its seed and shrunk counterexample', async () => {
    // A planted bug: a call "rejected" after writing a row when its input is above 10.
    const buggy: Target<number> = {
      name: 'planted.write',
      weight: 1,
      arbitrary: () => fc.integer({ min: 0, max: 1000 }),
      async run(env, n) {
        if (n > 10) await env.broker.createTopic({ name: `planted-${n}`, partitions: 1 });
        return { rejected: true, summary: 'HTTP 400' };
      },
      show: (n) => `n = ${n}`,
    };
    const planted500: Target<number> = {
      name: 'planted.500',
      weight: 1,
      arbitrary: () => fc.integer({ min: 0, max: 1000 }),
      async run(_env, n) {
        if (n > 500) fail(`HTTP 500 for ${n}`);
        return { rejected: false, summary: 'ok' };
      },
      show: (n) => `n = ${n}`,
    };
    const result = await runFuzz({
      seed: 7,
      cases: 200,
      targets: async () => ({ targets: [buggy, planted500] as Target<unknown>[], close: async () => {} }),
      log: () => {},
    });
    const [write, error] = result.results;
    expect(write.failures).toBe(1);
    expect(write.report).toContain('counterexample: n = 11'); // shrunk to the smallest failing input
    expect(write.report).toContain('the database changed');
    expect(error.report).toContain('counterexample: n = 501');
    expect(error.report).toMatch(/seed -?\d+ \(target\)/);
  }, 120_000);

  it('catches an unhandled rejection raised while a case runs', async () => {
    const leaky: Target<number> = {
      name: 'planted.rejection',
      weight: 1,
      arbitrary: () => fc.nat(10),
      async run(_env, n) {
        if (n === 3) void Promise.reject(new Error('nobody awaits this'));
        return { rejected: false, summary: 'ok' };
      },
      show: (n) => `n = ${n}`,
    };
    const result = await runFuzz({
      seed: 1,
      cases: 100,
      targets: async () => ({ targets: [leaky as Target<unknown>], close: async () => {} }),
      log: () => {},
    });
    expect(result.results[0].report).toContain('unhandled rejection: Error: nobody awaits this');
    expect(result.results[0].report).toContain('counterexample: n = 3');
  }, 60_000);

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

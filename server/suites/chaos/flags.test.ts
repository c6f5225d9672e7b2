import { describe, expect, it } from 'vitest';
import { planFaults } from './faults';
import { FlagError, parseFlags } from './flags';
import { createRng } from './rng';

describe('chaos flags', () => {
  it('has bounded defaults, a random seed when none is given, and Postgres cycles at half the Brook ones', () => {
    const f = parseFlags([], () => 42);
    expect(f).toMatchObject({ cycles: 8, postgresCycles: 4, durationMs: 60_000, producers: 4, consumers: 3, seed: 42 });
    expect(f.db).toEqual(['postgres', 'pglite']);
  });

  it('reads each flag, as "--flag value" or "--flag=value", and durations in ms, s or m', () => {
    const f = parseFlags(
      ['--cycles', '2', '--duration=15s', '--db', 'pglite', '--seed=7', '--quiet-timeout', '1m', '--consumers', '5'],
      () => 1,
    );
    expect(f).toMatchObject({
      cycles: 2,
      postgresCycles: 1,
      durationMs: 15_000,
      db: ['pglite'],
      seed: 7,
      quietTimeoutMs: 60_000,
      consumers: 5,
    });
    expect(parseFlags(['--duration', '1500ms'], () => 1).durationMs).toBe(1500);
    expect(parseFlags(['--cycles', '0', '--postgres-cycles', '3'], () => 1)).toMatchObject({ cycles: 0, postgresCycles: 3 });
  });

  it('refuses what it cannot read, naming the flag', () => {
    for (const [argv, message] of [
      [['--cycles', '-1'], /--cycles must be a whole number/],
      [['--cycles'], /--cycles needs a value/],
      [['--db', 'mysql'], /--db must be postgres, pglite or both/],
      [['--duration', '10h30'], /--duration must be a duration/],
      [['--duration', '10ms'], /--duration must be from 1 s/],
      [['--producers', '0'], /--producers must be a whole number from 1/],
      [['--fast'], /unknown flag --fast/],
    ] as const) {
      expect(() => parseFlags(argv, () => 1)).toThrow(message);
      expect(() => parseFlags(argv, () => 1)).toThrow(FlagError); // main() prints it with the usage, exit code 2
    }
  });
});

describe('chaos fault schedule', () => {
  it('is the same for the same seed, spreads the faults over 90% of the run, and has as many as asked', () => {
    const opts = { durationMs: 60_000, brookKills: 6, postgresStops: 3 };
    const plan = planFaults(createRng(9), opts);
    expect(planFaults(createRng(9), opts)).toEqual(plan);
    expect(planFaults(createRng(10), opts)).not.toEqual(plan);
    expect(plan.filter((f) => f.kind === 'kill-brook')).toHaveLength(6);
    expect(plan.filter((f) => f.kind === 'stop-postgres')).toHaveLength(3);
    const times = plan.map((f) => f.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThan(54_000);
    // One per slice of 6 s: no two in the same slice.
    expect(new Set(times.map((t) => Math.floor(t / 6000))).size).toBe(9);
  });
});

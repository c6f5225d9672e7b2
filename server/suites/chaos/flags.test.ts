import { describe, expect, it } from 'vitest';
import { planFaults } from './faults';
import { FlagError, parseFlags } from './flags';
import { PG_FAULT_KINDS, planPostgresFaults } from './kafka/faults';
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

describe('chaos --kafka flags', () => {
  it('has its own defaults (3 cycles of the four faults over 90 s, Postgres only) and reads its flags', () => {
    const f = parseFlags(['--kafka'], () => 5);
    expect(f).toMatchObject({ kafka: true, cycles: 3, durationMs: 90_000, db: ['postgres'], partitions: 6, firstAckBoundMs: 2_000 });
    expect(f).toMatchObject({ rate: 800, plainRate: 200, kafkajsRate: 200, python: '/usr/bin/python3' });
    const g = parseFlags(
      ['--kafka', '--cycles', '1', '--duration', '40s', '--rate=500', '--first-ack-bound', '1500ms', '--python', '/opt/py'],
      () => 5,
    );
    expect(g).toMatchObject({ cycles: 1, durationMs: 40_000, rate: 500, firstAckBoundMs: 1_500, python: '/opt/py' });
    expect(parseFlags([], () => 5).kafka).toBe(false);
  });

  it('refuses the flags of the other workload, naming them', () => {
    for (const [argv, message] of [
      [['--kafka', '--db', 'pglite'], /--db does not apply to --kafka/],
      [['--kafka', '--producers', '2'], /--producers does not apply to --kafka/],
      [['--rate', '100'], /--rate needs --kafka/],
      [['--first-ack-bound', '2s'], /--first-ack-bound needs --kafka/],
      [['--kafka=yes'], /--kafka takes no value/],
      [['--kafka', '--first-ack-bound', '10ms'], /--first-ack-bound must be from 100 ms/],
    ] as const) {
      expect(() => parseFlags(argv, () => 1)).toThrow(message);
      expect(() => parseFlags(argv, () => 1)).toThrow(FlagError);
    }
  });
});

describe('chaos --kafka fault schedule', () => {
  it('has each of the four Postgres faults once per cycle, the same for the same seed, spread over 90% of the run', () => {
    const opts = { durationMs: 90_000, cycles: 3 };
    const plan = planPostgresFaults(createRng(4), opts);
    expect(planPostgresFaults(createRng(4), opts)).toEqual(plan);
    expect(planPostgresFaults(createRng(5), opts)).not.toEqual(plan);
    expect(plan).toHaveLength(12);
    for (let c = 0; c < 3; c++)
      expect(
        plan
          .slice(4 * c, 4 * c + 4)
          .map((f) => f.kind)
          .sort(),
      ).toEqual([...PG_FAULT_KINDS].sort());
    const times = plan.map((f) => f.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThan(81_000);
    for (const f of plan) {
      if (f.kind === 'stop-fast-2s') expect(f.downMs).toBe(2_000);
      if (f.kind === 'stop-fast-10s') expect(f.downMs).toBe(10_000);
      if (f.kind === 'restart-fast') expect(f.downMs).toBe(0);
      if (f.kind === 'stop-immediate') expect(f.downMs).toBeGreaterThanOrEqual(200);
    }
  });
});

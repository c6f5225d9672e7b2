import { describe, expect, it } from 'vitest';
import { holdStatement, holdTransaction, lostCommit, neverSent } from './hold';

/**
 * The hold's rules with scripted failures (the real outages are in db/hold-commit.test.ts and the
 * outage suites): what is tried again, what is resolved, and that nothing is held past its time.
 */
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
const sqlError = () => Object.assign(new Error('duplicate key'), { code: '23505' });

function script<T>(steps: Array<() => T>): { run: () => Promise<T>; calls: () => number } {
  let n = 0;
  return { run: async () => steps[Math.min(n++, steps.length - 1)](), calls: () => n };
}

const options = (holdMs: number) => ({ holdMs, closing: () => false });

describe('holding calls through a database outage', () => {
  it('a statement that could not connect is tried again until it runs', async () => {
    const s = script<string>([
      () => {
        throw refused();
      },
      () => {
        throw refused();
      },
      () => 'ok',
    ]);
    await expect(holdStatement(s.run, options(5_000))).resolves.toBe('ok');
    expect(s.calls()).toBe(3);
  });

  it('a statement lost after it was sent, or refused by the server, fails at once (it may have been applied)', async () => {
    for (const err of [reset, sqlError]) {
      const s = script<string>([
        () => {
          throw err();
        },
        () => 'ok',
      ]);
      await expect(holdStatement(s.run, options(5_000))).rejects.toThrow();
      expect(s.calls()).toBe(1);
    }
  });

  it('gives up when the hold runs out, with the last error, and never holds with holdMs 0 or while closing', async () => {
    const always = script<string>([
      () => {
        throw refused();
      },
    ]);
    const started = Date.now();
    await expect(holdStatement(always.run, options(300))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(always.calls()).toBeGreaterThan(1);
    const once = script<string>([
      () => {
        throw refused();
      },
    ]);
    await expect(holdStatement(once.run, options(0))).rejects.toThrow();
    await expect(holdStatement(once.run, { holdMs: 5_000, closing: () => true })).rejects.toThrow();
    expect(once.calls()).toBe(2);
  });

  it('a transaction that failed before COMMIT is run again', async () => {
    const s = script<number>([
      () => {
        throw reset();
      },
      () => 7,
    ]);
    await expect(holdTransaction(s.run, options(5_000))).resolves.toBe(7);
    expect(s.calls()).toBe(2);
  });

  it('a COMMIT lost with its connection is resolved by the caller: effects found is success with its result', async () => {
    const asked: Array<{ offset: number }> = [];
    const answers: Array<boolean | Error> = [new Error('still down'), true];
    const verify = async (result: { offset: number }) => {
      asked.push(result);
      const a = answers.shift();
      if (a instanceof Error) throw a;
      return a ?? false;
    };
    const s = script<{ offset: number }>([
      () => {
        throw lostCommit(reset(), { offset: 41 });
      },
      () => ({ offset: 99 }),
    ]);
    await expect(holdTransaction(s.run, options(5_000), verify)).resolves.toEqual({ offset: 41 });
    expect(s.calls()).toBe(1); // never run twice
    expect(asked).toEqual([{ offset: 41 }, { offset: 41 }]);
  });

  it('effects not found: run again; no verify, or the hold ran out: fails as outcome unknown', async () => {
    const absent = script<number>([
      () => {
        throw lostCommit(reset(), 1);
      },
      () => 2,
    ]);
    await expect(holdTransaction(absent.run, options(5_000), async () => false)).resolves.toBe(2);

    for (const verify of [undefined, async () => Promise.reject(new Error('down'))]) {
      const s = script<number>([
        () => {
          throw lostCommit(reset(), 1);
        },
      ]);
      await expect(holdTransaction(s.run, options(300), verify)).rejects.toMatchObject({ code: 'COMMIT_OUTCOME_UNKNOWN' });
      expect(s.calls()).toBe(1);
    }
  });

  it('neverSent knows connect failures from losses after sending', () => {
    expect(neverSent(refused())).toBe(true);
    expect(neverSent(Object.assign(new Error('x'), { code: 'CONNECT_TIMEOUT' }))).toBe(true);
    expect(neverSent(Object.assign(new Error('x'), { code: '57P03' }))).toBe(true);
    expect(neverSent(new Error('wrapped', { cause: refused() }))).toBe(true);
    expect(neverSent(reset())).toBe(false);
    expect(neverSent(Object.assign(new Error('x'), { code: 'CONNECTION_CLOSED' }))).toBe(false);
    expect(neverSent(Object.assign(new Error('x'), { code: '57P01' }))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { type PartitionNow, partitionRate, type RateSample, summariseRates } from './lag-history';

const interval = 10_000;
const now = 10_000_000;
const ctx = { now, intervalMs: interval };

/** Samples every 10 s up to `until`: the group consumed `consume`/s and the producer wrote `produce`/s. */
function samples(
  until: number,
  count: number,
  { consume, produce, lagAtEnd }: { consume: number; produce: number; lagAtEnd: number },
): RateSample[] {
  return Array.from({ length: count }, (_, i) => {
    const back = (count - 1 - i) * interval;
    const hw = 100_000 - (produce * back) / 1000;
    const committed = hw - lagAtEnd - ((consume - produce) * back) / 1000;
    return { sampled_at: until - back, committed_offset: committed, high_watermark: hw, lag: hw - committed };
  });
}

const owned = (lag: number | null, extra: Partial<PartitionNow> = {}): PartitionNow => ({
  topic: 't',
  partition: 0,
  lag,
  memberId: 'm1',
  lastCommitAt: now - 1_000,
  status: 'OK',
  ...extra,
});

describe('lag rates and time to clear (time passed in)', () => {
  it('a consumer draining faster than the producer clears at the measured rates', () => {
    const r = partitionRate(samples(now, 7, { consume: 30, produce: 10, lagAtEnd: 2_000 }), owned(2_000), ctx);
    expect(r.consumeRate).toBeCloseTo(30, 6);
    expect(r.produceRate).toBeCloseTo(10, 6);
    expect(r).toMatchObject({ progress: 'clearing', timeToClearMs: 100_000 }); // 2,000 / (30 - 10)
  });

  it('a group whose last member just left consumes at 0/s and never clears, though its samples show it consuming', () => {
    // Consumed 188/s up to the last sample 2 s ago; nobody owns the partition now, its last commit 3 s ago.
    const list = samples(now - 2_000, 30, { consume: 188, produce: 100, lagAtEnd: 5_000 });
    const left = owned(5_000, { memberId: null, lastCommitAt: now - 3_000, status: 'STOP' });
    const r = partitionRate(list, left, ctx);
    expect(r).toMatchObject({ consumeRate: 0, timeToClearMs: null, progress: 'stopped' });
    expect(r.produceRate).toBeCloseTo(100, 6);
    // Burrow may not have said STOP yet: no owner and no commit for two sample intervals is enough.
    const quiet = owned(5_000, { memberId: null, lastCommitAt: now - 2 * interval - 1, status: 'OK' });
    expect(partitionRate(list, quiet, ctx)).toMatchObject({ consumeRate: 0, progress: 'stopped', timeToClearMs: null });
    // Not even two intervals yet, but nothing was committed since the last member left: stopped at once.
    const justLeft = owned(5_000, { memberId: null, lastCommitAt: now - 3_000, status: 'OK' });
    expect(partitionRate(list, justLeft, { ...ctx, emptySince: now - 1_000 })).toMatchObject({ consumeRate: 0, progress: 'stopped' });
    // A standalone consumer (no member, recent commits) is consuming.
    const standalone = owned(5_000, { memberId: null, lastCommitAt: now - 1_000 });
    expect(partitionRate(list, standalone, ctx).consumeRate).toBeCloseTo(188, 6);
    expect(partitionRate(list, standalone, { ...ctx, emptySince: now - 60_000 }).consumeRate).toBeCloseTo(188, 6);
  });

  it('a member that stopped committing (Burrow STOP) consumes at 0/s', () => {
    const list = samples(now, 30, { consume: 50, produce: 10, lagAtEnd: 300 });
    expect(partitionRate(list, owned(300, { status: 'STOP' }), ctx)).toMatchObject({
      consumeRate: 0,
      progress: 'stopped',
      timeToClearMs: null,
    });
  });

  it('a caught-up partition is caught up, even when the last sample still had lag', () => {
    const list = samples(now - 5_000, 10, { consume: 20, produce: 20, lagAtEnd: 40 });
    expect(partitionRate(list, owned(0), ctx)).toMatchObject({ progress: 'caught-up', timeToClearMs: 0 });
    // Caught up and nobody consuming: caught up, at 0/s.
    expect(partitionRate(list, owned(0, { memberId: null, lastCommitAt: now - 600_000 }), ctx)).toMatchObject({
      progress: 'caught-up',
      consumeRate: 0,
    });
  });

  it('the lag used is the one now, not the last sample: no "clears in 0 ms" while lag remains', () => {
    const list = samples(now - 9_000, 10, { consume: 30, produce: 10, lagAtEnd: 0 });
    const r = partitionRate(list, owned(400), ctx);
    expect(r).toMatchObject({ progress: 'clearing', timeToClearMs: 20_000 });
  });

  it('a producer outpacing the consumer: not shrinking', () => {
    expect(partitionRate(samples(now, 10, { consume: 10, produce: 30, lagAtEnd: 900 }), owned(900), ctx)).toMatchObject({
      progress: 'not-shrinking',
      timeToClearMs: null,
    });
  });

  it('rates are not carried past old samples: without two samples in the window they are unknown', () => {
    const old = samples(now - 20 * 60_000, 10, { consume: 30, produce: 10, lagAtEnd: 100 });
    expect(partitionRate(old, owned(100), ctx)).toMatchObject({
      consumeRate: null,
      produceRate: null,
      progress: 'unknown',
      timeToClearMs: null,
    });
    expect(partitionRate([], owned(null), ctx).progress).toBe('unknown');
  });

  it('the group: the slowest partition clears last; stopped only when every lagging partition is', () => {
    const list = samples(now, 7, { consume: 30, produce: 10, lagAtEnd: 2_000 });
    const a = partitionRate(list, owned(2_000), ctx);
    const b = partitionRate(list, owned(1_000, { partition: 1 }), ctx);
    const c = partitionRate(list, owned(0, { partition: 2 }), ctx);
    expect(summariseRates([a, b, c])).toMatchObject({ progress: 'clearing', timeToClearMs: 100_000 });
    expect(summariseRates([c])).toMatchObject({ progress: 'caught-up', timeToClearMs: 0 });
    const stopped = partitionRate(list, owned(10, { partition: 3, memberId: null, lastCommitAt: null }), ctx);
    const all = summariseRates([a, stopped, c]);
    expect(all).toMatchObject({ progress: 'not-shrinking', timeToClearMs: null }); // one partition never clears
    expect(summariseRates([stopped, c])).toMatchObject({ progress: 'stopped', timeToClearMs: null });
    expect(all.consumeRate).toBeCloseTo(30 + 0 + 30, 6);
    expect(summariseRates([]).consumeRate).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { estimateLagSeconds } from './lag-seconds';

describe('estimated time lag', () => {
  const now = 1_000_000;
  // The log grew by 100 records every 10 s: 0 at t-60s ... 600 now.
  const points = Array.from({ length: 6 }, (_, i) => ({ at: now - 60_000 + i * 10_000, highWatermark: i * 100 }));

  it('is 0 when the group is caught up', () => {
    expect(estimateLagSeconds(points, 600, 600, now)).toBe(0);
  });

  it('interpolates between samples: offset 250 was the log end 35 s ago', () => {
    expect(estimateLagSeconds(points, 250, 600, now)).toBeCloseTo(35, 6);
  });

  it('interpolates between the last sample and now', () => {
    expect(estimateLagSeconds(points, 550, 600, now)).toBeCloseTo(5, 6);
  });

  it('never extrapolates an offset older than every sample: the next record says how old it is', () => {
    const recent = points.slice(3); // 300 at t-30s ... 500 at t-10s
    // The record at offset 100 was written 12 min ago (a burst before sampling began), not 50 s ago as
    // the average rate of the samples would say.
    expect(estimateLagSeconds(recent, 100, 600, now, now - 12 * 60_000)).toBeCloseTo(720, 6);
    // At least as old as the first sample, whatever the record's timestamp says.
    expect(estimateLagSeconds(recent, 100, 600, now, now - 5_000)).toBeCloseTo(30, 6);
    expect(estimateLagSeconds(recent, 100, 600, now)).toBeCloseTo(30, 6);
  });

  it('a stopped group: its time lag grows with the clock, one second per second', () => {
    const recent = points.slice(3);
    const at = (t: number) => estimateLagSeconds([...recent, { at: now, highWatermark: 600 }], 250, 700, t, now - 400_000);
    expect(at(now + 60_000)! - at(now)!).toBeCloseTo(60, 6);
    const old = (t: number) => estimateLagSeconds(recent, 100, 600, t, now - 720_000);
    expect(old(now + 60_000)! - old(now)!).toBeCloseTo(60, 6);
  });

  it('cannot tell without samples or a record', () => {
    expect(estimateLagSeconds([], 10, 20, now)).toBeNull();
    expect(estimateLagSeconds([], 10, 20, now, now - 3_000)).toBeCloseTo(3, 6);
    expect(estimateLagSeconds([{ at: now - 1000, highWatermark: 20 }], 10, 20, now)).toBeCloseTo(1, 6);
  });
});

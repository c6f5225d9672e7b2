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

  it('extrapolates at the average rate when the offset is older than every sample', () => {
    const recent = points.slice(3); // 300 at t-30s ... 500 at t-10s
    expect(estimateLagSeconds(recent, 100, 600, now)).toBeCloseTo(50, 6); // 10 records/s
  });

  it('cannot tell without samples or growth', () => {
    expect(estimateLagSeconds([], 10, 20, now)).toBeNull();
    expect(estimateLagSeconds([{ at: now - 1000, highWatermark: 20 }], 10, 20, now)).toBeNull();
  });
});

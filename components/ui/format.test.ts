import { describe, expect, it } from 'vitest';
import { agoText, formatOffsetRange, formatTime, formatUptime } from './format';

describe('console formatting', () => {
  it('writes a segment offset range as one range, never "[0, 990,536)"', () => {
    expect(formatOffsetRange(0, 990_536)).toBe('offsets 0 – 990,535');
    expect(formatOffsetRange(1_000, 2_000)).toBe('offsets 1,000 – 1,999');
    expect(formatOffsetRange(7, 8)).toBe('offset 7');
    expect(formatOffsetRange(5, 5)).toBe('no offsets (from 5)');
  });

  it('labels every time with its zone, UTC', () => {
    expect(formatTime(Date.UTC(2026, 10, 30, 18, 45, 2, 123))).toBe('2026-11-30 18:45:02.123 UTC');
    expect(formatTime(null)).toBe('–');
  });

  it('computes relative times from the clock it is given, never from its own', () => {
    expect(agoText(1_000, 4_500)).toBe('3.5 s ago');
    expect(agoText(5_000, 4_000)).toBe('just now'); // a clock slightly behind the server's
  });

  it('shows an uptime in seconds at least: "just started", never "8 ms"', () => {
    expect(formatUptime(8)).toBe('just started');
    expect(formatUptime(0)).toBe('just started');
    expect(formatUptime(4_000)).toBe('4.0 s');
    expect(formatUptime(3_600_000)).toBe('1 h');
  });
});

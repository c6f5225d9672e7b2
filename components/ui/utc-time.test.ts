import { describe, expect, it } from 'vitest';
import { parseUtcInput, toUtcInput } from './utc-time';

describe('UTC time inputs', () => {
  it('reads a typed time as UTC whatever the process zone, and round-trips', () => {
    const ms = Date.UTC(2026, 0, 15, 12, 5, 0, 250);
    expect(parseUtcInput('2026-01-15T12:05')).toBe(Date.UTC(2026, 0, 15, 12, 5));
    expect(parseUtcInput('2026-01-15T12:05:00.250')).toBe(ms);
    expect(parseUtcInput(toUtcInput(ms))).toBe(ms);
    expect(parseUtcInput('2026-11-30T18:45:07.25')).toBe(Date.UTC(2026, 10, 30, 18, 45, 7, 250));
    expect(toUtcInput(ms)).toBe('2026-01-15T12:05:00.250');
  });

  it('refuses what is not a time', () => {
    for (const v of ['', '  ', 'yesterday', '2026-13-45T99:99', '2026-02-30T10:00', '1736942700000', '2026-01-15'])
      expect(parseUtcInput(v)).toBeNull();
  });
});

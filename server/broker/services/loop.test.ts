import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLoop } from './loop';

const unavailable = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('background loop logging', () => {
  afterEach(() => vi.restoreAllMocks());

  it('logs the first failure of a database outage and its end, not every run', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const outcomes = [unavailable(), unavailable(), unavailable(), null, new Error('boom'), new Error('boom')];
    const loop = startLoop('test loop', 60_000, async () => {
      const next = outcomes.shift();
      if (next) throw next;
    });
    for (let i = 0; i < 6; i++) await loop.runNow();
    await loop.stop();
    const lines = warn.mock.calls.map((c) => String(c[0]));
    expect(lines).toEqual([
      expect.stringMatching(/test loop failed: ECONNREFUSED .*database unavailable/),
      '[brook] test loop recovered after 3 failed runs (database unavailable)',
      '[brook] test loop failed: boom',
      '[brook] test loop failed: boom',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { clearsIn, stoppedHint } from './lag-progress';

describe('clears in', () => {
  it('caught up is "caught up", never "0 ms" or "not shrinking"', () => {
    expect(clearsIn(0, { progress: 'clearing', timeToClearMs: 0 })).toBe('caught up');
    expect(clearsIn(0, { progress: 'not-shrinking', timeToClearMs: null })).toBe('caught up');
    expect(clearsIn(0, undefined)).toBe('caught up');
  });

  it('a stopped consumer never clears; unknown is a dash', () => {
    expect(clearsIn(500, { progress: 'stopped', timeToClearMs: null })).toBe('stopped');
    expect(clearsIn(500, { progress: 'unknown', timeToClearMs: null })).toBe('–');
    // A rate reading older than the lag (it said caught up, the lag is back): no claim.
    expect(clearsIn(500, { progress: 'caught-up', timeToClearMs: 0 })).toBe('–');
    expect(clearsIn(500, { progress: 'clearing', timeToClearMs: 20_000 })).toBe('20 s');
    expect(clearsIn(500, { progress: 'not-shrinking', timeToClearMs: null })).toBe('not shrinking');
  });

  it('says which partitions nobody consumes', () => {
    const p = (progress: 'caught-up' | 'clearing' | 'stopped') => ({ progress, timeToClearMs: null });
    expect(stoppedHint([p('stopped'), p('caught-up')])).toBe('nobody is consuming');
    expect(stoppedHint([p('stopped'), p('clearing'), p('caught-up')])).toBe('1 of 2 lagging partitions stopped');
    expect(stoppedHint([p('clearing')])).toBeUndefined();
  });
});

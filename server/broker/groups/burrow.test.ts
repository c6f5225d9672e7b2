import { describe, expect, it } from 'vitest';
import { type CommitSample, groupStatus, partitionStatus } from './burrow';

const T0 = 1_700_000_000_000;
/** Commits every 10 s: [offset, high watermark] pairs. */
const history = (pairs: Array<[number, number]>, every = 10_000): CommitSample[] =>
  pairs.map(([offset, highWatermark], i) => ({ offset, highWatermark, at: T0 + i * every }));
const lastCommitPlus = (h: CommitSample[], ms = 1_000) => h[h.length - 1].at + ms;

describe('Burrow-style lag status', () => {
  it('OK: caught up now', () => {
    const h = history([
      [0, 100],
      [0, 200],
    ]);
    expect(partitionStatus(h, 0, lastCommitPlus(h))).toBe('OK');
  });

  it('OK: lag was zero at some point in the window', () => {
    const h = history([
      [100, 100],
      [150, 180],
      [200, 260],
    ]);
    expect(partitionStatus(h, 60, lastCommitPlus(h))).toBe('OK');
  });

  it('OK: lag shrinking while committing', () => {
    const h = history([
      [0, 500],
      [200, 600],
      [450, 650],
      [640, 700],
    ]);
    expect(partitionStatus(h, 60, lastCommitPlus(h))).toBe('OK');
  });

  it('WARN: committing, but the lag grows at every commit', () => {
    const h = history([
      [0, 100],
      [50, 200],
      [100, 300],
      [150, 400],
    ]);
    expect(partitionStatus(h, 250, lastCommitPlus(h))).toBe('WARN');
  });

  it('STALL: committing the same offset while there is lag', () => {
    const h = history([
      [40, 100],
      [40, 100],
      [40, 120],
      [40, 130],
    ]);
    expect(partitionStatus(h, 90, lastCommitPlus(h))).toBe('STALL');
  });

  it('STOP: no commit for longer than the window spans, with lag', () => {
    const h = history([
      [0, 100],
      [50, 120],
      [90, 140],
    ]); // spans 20 s
    expect(partitionStatus(h, 50, lastCommitPlus(h, 19_000))).not.toBe('STOP');
    expect(partitionStatus(h, 50, lastCommitPlus(h, 21_000))).toBe('STOP');
  });

  it('STOP does not apply once the consumer has caught up', () => {
    const h = history([
      [0, 100],
      [100, 100],
    ]);
    expect(partitionStatus(h, 0, lastCommitPlus(h, 3_600_000))).toBe('OK');
  });

  it('REWIND: the committed offset went backwards', () => {
    const h = history([
      [100, 200],
      [150, 220],
      [20, 240],
    ]);
    expect(partitionStatus(h, 220, lastCommitPlus(h))).toBe('REWIND');
  });

  it('only the last 10 commits count', () => {
    // An old zero-lag commit, then 10 commits with growing lag: WARN, not OK.
    const h = history([[100, 100], ...Array.from({ length: 10 }, (_, i): [number, number] => [110 + i * 10, 200 + i * 50])]);
    expect(partitionStatus(h, 500, lastCommitPlus(h))).toBe('WARN');
  });

  it('too little history is OK', () => {
    expect(partitionStatus(history([[0, 1000]]), 1000, T0 + 3_600_000)).toBe('OK');
    expect(partitionStatus([], 1000, T0)).toBe('OK');
  });

  it('group status is the worst partition: ERR for STOP/STALL/REWIND, else WARN, else OK', () => {
    expect(groupStatus(['OK', 'OK'])).toBe('OK');
    expect(groupStatus(['OK', 'WARN'])).toBe('WARN');
    expect(groupStatus(['WARN', 'STALL'])).toBe('ERR');
    expect(groupStatus(['STOP'])).toBe('ERR');
    expect(groupStatus(['REWIND', 'OK'])).toBe('ERR');
    expect(groupStatus([])).toBe('OK');
  });
});

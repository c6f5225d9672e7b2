import { describe, expect, it } from 'vitest';
import { laneLayout } from './lane-geometry';

describe('laneLayout', () => {
  it('draws the newest cells that fit and summarizes the older ones', () => {
    const l = laneLayout({ logStartOffset: 0, highWatermark: 1258, fit: 24, markers: [] });
    expect(l.first).toBe(1234);
    expect(l.offsets).toHaveLength(24);
    expect(l.offsets[0]).toBe(1234);
    expect(l.offsets.at(-1)).toBe(1257);
    expect(l.older).toBe(1234);
    expect(l.head).toBe(24);
  });

  it('places a marker at its committed offset, its span to the head being the lag', () => {
    const l = laneLayout({
      logStartOffset: 0,
      highWatermark: 10,
      fit: 24,
      markers: [
        { key: 'inventory', committedOffset: 10, lag: 0 },
        { key: 'email', committedOffset: 7, lag: 3 },
      ],
    });
    expect(l.older).toBe(0);
    expect(l.markers).toEqual([
      { key: 'inventory', committed: 10, at: 10, beyond: false, span: 0, lag: 0 },
      { key: 'email', committed: 7, at: 7, beyond: false, span: 3, lag: 3 },
    ]);
  });

  it('pins a marker older than every drawn cell to the left edge', () => {
    const l = laneLayout({ logStartOffset: 100, highWatermark: 500, fit: 10, markers: [{ key: 'email', committedOffset: 120, lag: 380 }] });
    expect(l.first).toBe(490);
    expect(l.older).toBe(390);
    expect(l.markers[0]).toMatchObject({ at: 0, beyond: true, span: 10, lag: 380 });
  });

  it('starts a group without a committed offset at the log start; an empty lane has no cells', () => {
    const l = laneLayout({ logStartOffset: 5, highWatermark: 5, fit: 24, markers: [{ key: 'inventory', committedOffset: null, lag: 0 }] });
    expect(l.offsets).toEqual([]);
    expect(l.markers[0]).toMatchObject({ at: 0, beyond: false, span: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { ActivityTracker, liveness } from './activity';

/** Liveness with time as a parameter: a fake clock drives the tracker, the verdict takes `now`. */
describe('database liveness', () => {
  const setup = () => {
    let t = 1_000_000;
    const clock = { now: () => t, advance: (ms: number) => (t += ms) };
    return { clock, tracker: new ActivityTracker(clock.now) };
  };
  const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));

  it('stays live while the database answers, errors included (an SQL error is an answer)', async () => {
    const { clock, tracker } = setup();
    clock.advance(120_000);
    await tracker.track(async () => 1);
    clock.advance(30_000);
    await expect(tracker.track(() => Promise.reject(Object.assign(new Error('duplicate key'), { code: '23505' })))).rejects.toThrow();
    clock.advance(50_000);
    expect(liveness(tracker.snapshot(), clock.now(), 60_000).live).toBe(true);
  });

  it('stays live when idle: nothing asked, nothing failing', () => {
    const { clock, tracker } = setup();
    clock.advance(10 * 60_000);
    expect(liveness(tracker.snapshot(), clock.now(), 60_000)).toMatchObject({ live: true });
  });

  it('fails once the database has been unreachable longer than the timeout, and recovers with an answer', async () => {
    const { clock, tracker } = setup();
    await tracker.track(async () => 1);
    clock.advance(10_000);
    await expect(tracker.track(refused)).rejects.toThrow();
    expect(liveness(tracker.snapshot(), clock.now(), 60_000).live).toBe(true); // a short outage is readiness's business
    clock.advance(55_000);
    await expect(tracker.track(refused)).rejects.toThrow();
    const verdict = liveness(tracker.snapshot(), clock.now(), 60_000);
    expect(verdict.live).toBe(false);
    expect(verdict.reason).toMatch(/unreachable/);
    await tracker.track(async () => 1);
    expect(liveness(tracker.snapshot(), clock.now(), 60_000).live).toBe(true);
  });

  it('fails when a call has waited longer than the timeout with no answer at all (a wedged pool)', async () => {
    const { clock, tracker } = setup();
    let release!: () => void;
    const hung = tracker.track(() => new Promise<void>((r) => (release = r)));
    clock.advance(30_000);
    expect(tracker.snapshot()).toMatchObject({ inFlight: 1, oldestInFlightSince: 1_000_000 });
    expect(liveness(tracker.snapshot(), clock.now(), 60_000).live).toBe(true);
    clock.advance(31_000);
    expect(liveness(tracker.snapshot(), clock.now(), 60_000)).toMatchObject({ live: false, reason: expect.stringMatching(/waited/) });
    release();
    await hung;
    expect(tracker.snapshot().inFlight).toBe(0);
    expect(liveness(tracker.snapshot(), clock.now(), 60_000).live).toBe(true);
  });

  it('reachableSince is the first answer after the database could not be reached, not moved by answers in between', async () => {
    const { clock, tracker } = setup();
    expect(tracker.snapshot().reachableSince).toBe(1_000_000);
    clock.advance(5_000);
    await tracker.track(async () => 1);
    await expect(tracker.track(() => Promise.reject(Object.assign(new Error('syntax'), { code: '42601' })))).rejects.toThrow();
    expect(tracker.snapshot().reachableSince).toBe(1_000_000); // answers, errors included, keep it
    clock.advance(1_000);
    await expect(tracker.track(refused)).rejects.toThrow();
    clock.advance(9_000);
    await expect(tracker.track(refused)).rejects.toThrow();
    expect(tracker.snapshot().reachableSince).toBe(1_015_000); // still away: no earlier than now
    clock.advance(500);
    expect(tracker.snapshot().reachableSince).toBe(1_015_500);
    clock.advance(500);
    await tracker.track(async () => 1);
    expect(tracker.snapshot().reachableSince).toBe(1_016_000);
    clock.advance(1_000);
    await tracker.track(async () => 1);
    expect(tracker.snapshot().reachableSince).toBe(1_016_000);
  });
});

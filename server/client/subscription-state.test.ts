import { describe, expect, it } from 'vitest';
import { SubscriptionState } from './subscription-state';

const tp = (topic: string, partition: number) => ({ topic, partition });

describe('SubscriptionState', () => {
  it('collects subscribed topics once each, and the latest fromBeginning', () => {
    const s = new SubscriptionState();
    s.subscribe(['a', 'b'], true);
    s.subscribe(['b', 'c'], false);
    expect(s.topics()).toEqual(['a', 'b', 'c']);
    expect(s.fromBeginning).toBe(false);
  });

  it('pauses and resumes single partitions', () => {
    const s = new SubscriptionState();
    s.pause([{ topic: 'a', partitions: [0, 2] }]);
    expect([s.isPaused(tp('a', 0)), s.isPaused(tp('a', 1)), s.isPaused(tp('a', 2)), s.isPaused(tp('b', 0))]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    s.resume([{ topic: 'a', partitions: [0] }]);
    expect(s.isPaused(tp('a', 0))).toBe(false);
    expect(s.paused([])).toEqual([{ topic: 'a', partitions: [2] }]);
  });

  it('a whole topic paused covers partitions assigned later; resuming one leaves the rest paused', () => {
    const s = new SubscriptionState();
    s.pause([{ topic: 'a' }]);
    expect(s.isPaused(tp('a', 7))).toBe(true);
    expect(s.paused([tp('a', 1), tp('a', 0), tp('b', 0)])).toEqual([{ topic: 'a', partitions: [0, 1] }]);
    s.resume([{ topic: 'a', partitions: [1] }]);
    expect([s.isPaused(tp('a', 0)), s.isPaused(tp('a', 1))]).toEqual([true, false]);
    s.pause([{ topic: 'a', partitions: [1] }]);
    expect(s.isPaused(tp('a', 1))).toBe(true);
    s.resume([{ topic: 'a' }]);
    expect([s.isPaused(tp('a', 0)), s.isPaused(tp('a', 1))]).toEqual([false, false]);
    expect(s.paused([tp('a', 0)])).toEqual([]);
  });

  it('resuming what was never paused changes nothing', () => {
    const s = new SubscriptionState();
    s.resume([{ topic: 'a' }, { topic: 'b', partitions: [0] }]);
    expect(s.paused([tp('a', 0), tp('b', 0)])).toEqual([]);
  });

  it('a pending seek is taken once, per partition', () => {
    const s = new SubscriptionState();
    s.seek(tp('a', 0), 5);
    s.seek(tp('a', 0), 9);
    s.seek(tp('a', 1), 3);
    expect(s.takeSeek(tp('a', 0))).toBe(9);
    expect(s.takeSeek(tp('a', 0))).toBeUndefined();
    expect(s.takeSeek(tp('a', 1))).toBe(3);
    expect(s.takeSeek(tp('b', 0))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import {
  compareTopicPartitions,
  compareTpKeys,
  fromTopicPartitions,
  keyOf,
  parseTpKey,
  toTopicPartitions,
  tpKey,
} from '@/server/kernel/topic-partition';

describe('topic-partition', () => {
  it('keys round-trip, names with dots, dashes and underscores included', () => {
    for (const tp of [
      { topic: 'orders', partition: 0 },
      { topic: 'shop.orders-v2_x', partition: 17 },
    ]) {
      expect(parseTpKey(keyOf(tp))).toEqual(tp);
      expect(tpKey(tp.topic, tp.partition)).toBe(keyOf(tp));
    }
  });

  it('orders by topic, then partition number (10 after 9)', () => {
    const list = [
      { topic: 'b', partition: 10 },
      { topic: 'a', partition: 2 },
      { topic: 'b', partition: 9 },
    ].sort(compareTopicPartitions);
    expect(list.map(keyOf)).toEqual(['a:2', 'b:9', 'b:10']);
    expect(['b:10', 'a.x:1', 'a:2', 'b:9'].sort(compareTpKeys)).toEqual(['a:2', 'a.x:1', 'b:9', 'b:10']);
  });

  it('groups keys by topic, sorted, and back', () => {
    const wire = toTopicPartitions(['b:1', 'a:3', 'b:0', 'a:1']);
    expect(wire).toEqual([
      { topic: 'a', partitions: [1, 3] },
      { topic: 'b', partitions: [0, 1] },
    ]);
    expect(fromTopicPartitions(wire).sort()).toEqual(['a:1', 'a:3', 'b:0', 'b:1']);
  });
});

import { describe, expect, it } from 'vitest';
import { selectList } from './rows';
import { topicPartitions, topics } from './schema';

describe('select lists from the drizzle schema', () => {
  it('maps each key to its column, with an optional table alias', () => {
    expect(selectList(topics, ['name', 'partitionCount'])).toBe('"name" AS "name", "partition_count" AS "partitionCount"');
    expect(selectList(topicPartitions, ['highWatermark'], 'tp')).toBe('tp."high_watermark" AS "highWatermark"');
  });
});

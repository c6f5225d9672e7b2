import { describe, expect, it } from 'vitest';
import { hourTable, parseHourTable } from '../stats/time-partitions';
import { parsePartitionTable, partitionTable, segmentTable } from './segments';

describe('generated log table names', () => {
  it('parses back what partitionTable builds, and nothing else', () => {
    expect(parsePartitionTable(partitionTable(42))).toBe(42);
    expect(parsePartitionTable(segmentTable(42, 100))).toBeNull();
    expect(parsePartitionTable('records_p042')).toBeNull();
    expect(parsePartitionTable('records')).toBeNull();
  });

  it('refuses ids that would not make a plain identifier', () => {
    expect(() => partitionTable(-1)).toThrow();
    expect(() => segmentTable(1, 0.5)).toThrow();
  });

  it('parses back the hour of a sample table child, and only for its own table', () => {
    expect(parseHourTable('lag_samples', hourTable('lag_samples', 493_000))).toBe(493_000);
    expect(parseHourTable('topic_samples', hourTable('lag_samples', 493_000))).toBeNull();
    expect(parseHourTable('lag_samples', 'lag_samples_h07')).toBeNull();
  });
});

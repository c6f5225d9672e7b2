import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, StickyPartitioner, toPositive } from './partitioner';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('murmur2 (Kafka Utils.murmur2)', () => {
  // Vectors from Kafka's own clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java (testMurmur2).
  const kafkaUtilsTest: Array<[string | Uint8Array, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    [new Uint8Array([0x61, 0x62, 0x63]), 479470107],
  ];
  // Hashes of "1".."12345" as computed by Kafka's murmur2 (used by Akka's Kafka-compatible sharding tests).
  const moreKafkaHashes: Array<[string, number]> = [
    ['1', -1993445489],
    ['12', 126087238],
    ['123', -267702483],
    ['1234', -1614185708],
    ['12345', -1188365604],
  ];

  it.each([...kafkaUtilsTest, ...moreKafkaHashes])('hashes %s like Kafka', (input, expected) => {
    expect(murmur2(typeof input === 'string' ? bytes(input) : input)).toBe(expected);
  });
});

describe('partitionForKey (toPositive(murmur2(key)) % partitions)', () => {
  it('clears the sign bit instead of taking the absolute value', () => {
    expect(toPositive(-973932308)).toBe(1173551340);
    expect(toPositive(-2147483648)).toBe(0);
  });

  // Expected partitions worked out from Kafka's hash vectors above: toPositive(hash) % n.
  it.each([
    ['21', 3, 0], // 1173551340 % 3
    ['21', 12, 0],
    ['foobar', 3, 0], // toPositive(-790332482) = 1357151166
    ['foobar', 7, 0],
    ['foobar', 5, 1],
    ['a-little-bit-long-string', 12, 8], // 1161502112
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', 10, 7], // 2088585677
    ['12', 5, 3], // 126087238
    ['12345', 6, 2], // toPositive(-1188365604) = 959118044
  ])('key %s on %i partitions goes to %i', (key, n, expected) => {
    expect(partitionForKey(bytes(key), n)).toBe(expected);
  });

  it('is stable and in range for many keys', () => {
    for (let i = 0; i < 1000; i++) {
      const k = bytes(`key-${i}`);
      const p = partitionForKey(k, 6);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(6);
      expect(partitionForKey(k, 6)).toBe(p);
    }
  });
});

describe('StickyPartitioner', () => {
  it('sticks to one partition until a batch worth of bytes, then moves round-robin', () => {
    const sticky = new StickyPartitioner(1000);
    const first = sticky.next('t', 4, 400);
    expect(sticky.next('t', 4, 400)).toBe(first);
    expect(sticky.next('t', 4, 400)).toBe(first); // 1200 bytes now on it
    const second = sticky.next('t', 4, 400);
    expect(second).toBe((first + 1) % 4);
  });

  it('keeps separate state per topic and respects a shrunken partition count', () => {
    const sticky = new StickyPartitioner(10);
    for (let i = 0; i < 50; i++) expect(sticky.next('a', 3, 7)).toBeLessThan(3);
    for (let i = 0; i < 50; i++) expect(sticky.next('b', 1, 7)).toBe(0);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBrokerError } from '@/server/broker/errors';
import { readVarint, readVarlong, varintSize, varlongSize, writeVarint, writeVarlong } from '@/server/broker/log/varint';
import { kafkajsVarint, kafkajsVarlong } from './kafkajs-oracle';

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
// ±2^52: the range a varlong round-trips through a JavaScript number.
const long = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.maxSafeInteger().map((n) => Math.trunc(n / 2) || 0),
);

function encode(write: (b: Uint8Array, p: number, n: number) => number, n: number): Buffer {
  const buf = Buffer.alloc(10);
  return buf.subarray(0, write(buf, 0, n));
}

const corruptOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return isBrokerError(err, 'CORRUPT_MESSAGE');
  }
  return false;
};

describe('zigzag varints', () => {
  it('match kafkajs byte for byte and round-trip (varint)', () => {
    fc.assert(
      fc.property(int32, (n) => {
        const bytes = encode(writeVarint, n);
        expect(bytes).toEqual(kafkajsVarint(n));
        expect(bytes.length).toBe(varintSize(n));
        const c = { pos: 0 };
        expect(readVarint(bytes, c)).toBe(n);
        expect(c.pos).toBe(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('match kafkajs byte for byte and round-trip (varlong)', () => {
    fc.assert(
      fc.property(long, (n) => {
        const bytes = encode(writeVarlong, n);
        expect(bytes).toEqual(kafkajsVarlong(n));
        expect(bytes.length).toBe(varlongSize(n));
        const c = { pos: 0 };
        expect(readVarlong(bytes, c)).toBe(n);
        expect(c.pos).toBe(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('known values', () => {
    expect([...encode(writeVarint, 0)]).toEqual([0]);
    expect([...encode(writeVarint, -1)]).toEqual([1]);
    expect([...encode(writeVarint, 1)]).toEqual([2]);
    expect([...encode(writeVarint, 300)]).toEqual([0xd8, 0x04]);
    expect([...encode(writeVarint, -(2 ** 31))]).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(readVarlong(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f]), { pos: 0 })).toBe(-(2 ** 32));
  });

  it('refuse truncated, overlong and out-of-range encodings as CORRUPT_MESSAGE', () => {
    expect(corruptOf(() => readVarint(Buffer.from([]), { pos: 0 }))).toBe(true);
    expect(corruptOf(() => readVarint(Buffer.from([0x80, 0x80]), { pos: 0 }))).toBe(true);
    expect(corruptOf(() => readVarint(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), { pos: 0 }))).toBe(true);
    expect(corruptOf(() => readVarint(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f]), { pos: 0 }))).toBe(true);
    // A record's end bounds its fields even when the buffer goes on.
    expect(corruptOf(() => readVarint(Buffer.from([0x80, 0x01]), { pos: 0 }, 1))).toBe(true);
    expect(corruptOf(() => readVarlong(Buffer.from(Array(10).fill(0xff).concat([0x01])), { pos: 0 }))).toBe(true);
    expect(corruptOf(() => readVarlong(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80]), { pos: 0 }))).toBe(true);
    // 2^62 zigzagged: beyond what a number holds exactly.
    expect(corruptOf(() => readVarlong(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]), { pos: 0 }))).toBe(true);
  });

  it('any bytes either decode within bounds or fail cleanly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        for (const read of [readVarint, readVarlong]) {
          const c = { pos: 0 };
          try {
            const n = read(bytes, c);
            expect(Number.isSafeInteger(n)).toBe(true);
            expect(c.pos).toBeGreaterThan(0);
            expect(c.pos).toBeLessThanOrEqual(bytes.length);
          } catch (err) {
            expect(isBrokerError(err, 'CORRUPT_MESSAGE')).toBe(true);
          }
        }
      }),
      { numRuns: 5000 },
    );
  });
});

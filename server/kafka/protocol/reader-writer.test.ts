// The primitives, byte for byte (Kafka's protocol guide: big-endian fixed widths, unsigned varints for
// flexible lengths as length + 1, int16-length strings, int32-length bytes, 16-byte uuids).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KafkaProtocolError, MAX_ARRAY_LENGTH, Reader } from './reader';
import { Writer } from './writer';

const bytesOf = (write: (w: Writer) => void): string => {
  const w = new Writer(1);
  write(w);
  return w.finish().toString('hex');
};

describe('Writer and Reader primitives', () => {
  it('encode fixed widths big-endian, strings and bytes with their length prefixes', () => {
    expect(bytesOf((w) => w.int8(-1))).toBe('ff');
    expect(bytesOf((w) => w.int16(0x1234))).toBe('1234');
    expect(bytesOf((w) => w.int32(-2))).toBe('fffffffe');
    expect(bytesOf((w) => w.int64(-1n))).toBe('ffffffffffffffff');
    expect(bytesOf((w) => w.uint32(0xfffffffe))).toBe('fffffffe');
    expect(bytesOf((w) => w.bool(true))).toBe('01');
    expect(bytesOf((w) => w.string('hé'))).toBe('000368c3a9');
    expect(bytesOf((w) => w.nullableString(null))).toBe('ffff');
    expect(bytesOf((w) => w.compactString('ab'))).toBe('036162');
    expect(bytesOf((w) => w.compactNullableString(null))).toBe('00');
    expect(bytesOf((w) => w.bytes(Buffer.from([9])))).toBe('0000000109');
    expect(bytesOf((w) => w.nullableBytes(null))).toBe('ffffffff');
    expect(bytesOf((w) => w.compactBytes(Buffer.alloc(0)))).toBe('01');
    expect(bytesOf((w) => w.uuid('01234567-89ab-cdef-0123-456789abcdef'))).toBe('0123456789abcdef0123456789abcdef');
    expect(bytesOf((w) => w.arrayLength(false, null))).toBe('ffffffff');
    expect(bytesOf((w) => w.arrayLength(true, [1, 2]))).toBe('03');
  });

  it('encodes unsigned varints 7 bits at a time, low group first', () => {
    expect(bytesOf((w) => w.uvarint(0))).toBe('00');
    expect(bytesOf((w) => w.uvarint(127))).toBe('7f');
    expect(bytesOf((w) => w.uvarint(128))).toBe('8001');
    expect(bytesOf((w) => w.uvarint(300))).toBe('ac02');
    expect(bytesOf((w) => w.uvarint(0xffffffff))).toBe('ffffffff0f');
    expect(() => new Writer().uvarint(-1)).toThrow(KafkaProtocolError);
  });

  it('refuses what cannot be encoded', () => {
    expect(() => new Writer().string('x'.repeat(0x8000))).toThrow(/does not fit an int16 length/);
    expect(() => new Writer().uuid('not-a-uuid')).toThrow(KafkaProtocolError);
  });

  it('reads back whatever it writes, across buffer growth', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            i: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
            l: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
            u: fc.integer({ min: 0, max: 0xffffffff }),
            s: fc.string({ maxLength: 40 }),
            n: fc.option(fc.string({ maxLength: 5 })),
            b: fc.uint8Array({ maxLength: 300 }),
          }),
          { maxLength: 30 },
        ),
        (items) => {
          const w = new Writer(1);
          for (const x of items) {
            w.int32(x.i);
            w.int64(x.l);
            w.uvarint(x.u);
            w.compactString(x.s);
            w.nullableString(x.n);
            w.compactBytes(x.b);
          }
          const r = new Reader(w.finish());
          for (const x of items) {
            expect(r.int32()).toBe(x.i);
            expect(r.int64()).toBe(x.l);
            expect(r.uvarint()).toBe(x.u);
            expect(r.compactString()).toBe(x.s);
            expect(r.nullableString()).toBe(x.n);
            expect(Buffer.from(r.compactBytes()).equals(Buffer.from(x.b))).toBe(true);
          }
          expect(r.remaining).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('throws KafkaProtocolError, not RangeError, past the end', () => {
    expect(() => new Reader(Buffer.from([1, 2, 3])).int32()).toThrow(KafkaProtocolError);
    expect(() => new Reader(Buffer.from([0, 5, 0x61])).string()).toThrow(/truncated: needed 5 bytes/);
    expect(() => new Reader(Buffer.from([0x80])).uvarint()).toThrow(KafkaProtocolError);
    const r = new Reader(Buffer.from([0, 0, 0, 1]), 0, 2);
    expect(() => r.int32()).toThrow(KafkaProtocolError);
  });
});

describe('array counts', () => {
  it('refuses more than MAX_ARRAY_LENGTH elements even when the bytes are there (each would be an object)', () => {
    const bytes = Buffer.alloc(4 + 2 * (MAX_ARRAY_LENGTH + 1));
    bytes.writeInt32BE(MAX_ARRAY_LENGTH + 1, 0);
    expect(() => new Reader(bytes).arrayLength(false, false)).toThrow(KafkaProtocolError);
    bytes.writeInt32BE(MAX_ARRAY_LENGTH, 0);
    expect(new Reader(bytes).arrayLength(false, false)).toBe(MAX_ARRAY_LENGTH);
  });
});

import { describe, expect, it } from 'vitest';
import { isKafkaProtocolError } from './dispatcher';
import { FrameDecoder } from './frame-decoder';

const framed = (...bodies: Buffer[]) =>
  Buffer.concat(
    bodies.flatMap((b) => {
      const size = Buffer.alloc(4);
      size.writeInt32BE(b.length, 0);
      return [size, b];
    }),
  );

/** Compared as hex: vitest's deep equality walks a Buffer byte by byte, slowly. */
const hex = (frames: Buffer[]) => frames.map((b) => b.toString('hex'));

const drain = (d: FrameDecoder) => {
  const out: Buffer[] = [];
  for (let f = d.next(); f !== null; f = d.next()) out.push(f);
  return out;
};

describe('FrameDecoder', () => {
  const bodies = [Buffer.from('first'), Buffer.alloc(0), Buffer.alloc(70_000, 7), Buffer.from('last')];

  it('reassembles frames fed one byte at a time', () => {
    const d = new FrameDecoder(1 << 20);
    const out: Buffer[] = [];
    for (const byte of framed(...bodies)) {
      d.push(Buffer.from([byte]));
      out.push(...drain(d));
    }
    expect(hex(out)).toEqual(hex(bodies));
    expect(d.bufferedBytes).toBe(0);
  });

  it('takes many frames out of one chunk, and frames split at every boundary', () => {
    const all = framed(...bodies);
    for (const cut of [1, 3, 4, 5, 9, 13, 70_013, all.length - 1]) {
      const d = new FrameDecoder(1 << 20);
      d.push(all.subarray(0, cut));
      const out = drain(d);
      d.push(all.subarray(cut));
      out.push(...drain(d));
      expect(hex(out)).toEqual(hex(bodies));
    }
  });

  it('refuses a negative size and one above the cap as soon as the prefix is in', () => {
    const negative = new FrameDecoder(100);
    negative.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    expect(() => negative.next()).toThrow(/negative frame size -2/);

    const big = new FrameDecoder(100);
    big.push(Buffer.from([0, 0, 0, 101]));
    let err: unknown = null;
    try {
      big.next();
    } catch (e) {
      err = e;
    }
    expect(isKafkaProtocolError(err)).toBe(true);
    expect((err as Error).message).toContain('101 bytes is above the limit of 100');

    const atCap = new FrameDecoder(100);
    atCap.push(framed(Buffer.alloc(100, 1)));
    expect(atCap.next()).toEqual(Buffer.alloc(100, 1));
  });
});

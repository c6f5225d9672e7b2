import { BrokerError } from '../errors';

/**
 * Zigzag varints and varlongs of the v2 record format (Kafka's ByteUtils.readVarint/readVarlong): one home
 * for Brook's stored record headers and the Kafka listener's record batches. These
 * are signed and distinct from the unsigned varints of flexible protocol versions. Every read is
 * bounds-checked and a malformed value is CORRUPT_MESSAGE, the error a broker answers for a bad batch.
 */

/** A read position shared by successive reads (avoids a tuple per varint on the hot path). */
export interface Cursor {
  pos: number;
}

const corrupt = (what: string) => new BrokerError('CORRUPT_MESSAGE', `Corrupt record batch: ${what}.`);

/** A varint holds at most 5 bytes (32 bits); a sixth byte or a missing one is corrupt. */
export function readVarint(buf: Uint8Array, c: Cursor, end = buf.length): number {
  let v = 0;
  let shift = 0;
  let pos = c.pos;
  for (;;) {
    if (pos >= end) throw corrupt('varint runs past its end');
    const b = buf[pos++];
    if (shift === 28 && (b & 0xf0) !== 0) throw corrupt('varint longer than 32 bits');
    v |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  c.pos = pos;
  v >>>= 0;
  return (v >>> 1) ^ -(v & 1);
}

/**
 * A varlong holds at most 10 bytes. Brook keeps offsets and timestamps as JavaScript numbers, so a value
 * beyond ±2^53 (no real timestamp delta comes close) is refused rather than rounded.
 */
export function readVarlong(buf: Uint8Array, c: Cursor, end = buf.length): number {
  let pos = c.pos;
  // Fast path: up to 4 bytes (28 bits) fits a 32-bit int.
  let v = 0;
  let shift = 0;
  for (; shift < 28; shift += 7) {
    if (pos >= end) throw corrupt('varlong runs past its end');
    const b = buf[pos++];
    v |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      c.pos = pos;
      return (v >>> 1) ^ -(v & 1);
    }
  }
  // Slow path: accumulate in floating point while it stays exact (below 2^53).
  let big = v >>> 0;
  let mul = 2 ** 28;
  for (;;) {
    if (pos >= end) throw corrupt('varlong runs past its end');
    const b = buf[pos++];
    big += (b & 0x7f) * mul;
    if (big > Number.MAX_SAFE_INTEGER) throw corrupt('varlong beyond 2^53');
    if ((b & 0x80) === 0) break;
    mul *= 128;
  }
  c.pos = pos;
  // zigzag: even → n/2, odd → -(n+1)/2
  return big % 2 === 0 ? big / 2 : -(big + 1) / 2;
}

export function varintSize(n: number): number {
  let v = ((n << 1) ^ (n >> 31)) >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  let v = ((n << 1) ^ (n >> 31)) >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Zigzag of a safe integer without BigInt: 2n for n ≥ 0, -2n-1 for n < 0 (both exact below 2^53). */
const zigzag = (n: number) => (n >= 0 ? n * 2 : -n * 2 - 1);

export function varlongSize(n: number): number {
  if (n >= -(2 ** 30) && n < 2 ** 30) return varintSize(n);
  let v = zigzag(n);
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

export function writeVarlong(buf: Uint8Array, pos: number, n: number): number {
  if (n >= -(2 ** 30) && n < 2 ** 30) return writeVarint(buf, pos, n);
  let v = zigzag(n);
  if (!Number.isSafeInteger(n) || v > Number.MAX_SAFE_INTEGER) throw new RangeError(`varlong ${n} is beyond ±2^52`);
  while (v >= 0x80) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

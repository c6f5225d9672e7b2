// Kafka's wire primitives into one growable Buffer. Values that cannot be encoded (a string over 32767
// bytes in an int16 length, a malformed uuid) throw KafkaProtocolError, as decoding does.

import { isUuid, KafkaProtocolError } from './reader';

export class Writer {
  private buf: Buffer;
  private at = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.at;
  }

  /** Claims n bytes and returns where they start. Callers must take the position before reading `this.buf`: the buffer may be replaced. */
  private ensure(n: number): number {
    const at = this.at;
    if (at + n > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, at + n));
      this.buf.copy(grown, 0, 0, at);
      this.buf = grown;
    }
    this.at = at + n;
    return at;
  }

  /** The bytes written, as a view of the internal buffer (no copy); the writer must not be used after. */
  finish(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  /** Reserves 4 bytes (a frame size, say) to fill in later with `setInt32`; returns their position. */
  reserveInt32(): number {
    return this.ensure(4);
  }
  setInt32(position: number, value: number): void {
    this.buf.writeInt32BE(value, position);
  }

  int8(value: number): void {
    const at = this.ensure(1);
    this.buf.writeInt8(value, at);
  }
  int16(value: number): void {
    const at = this.ensure(2);
    this.buf.writeInt16BE(value, at);
  }
  uint16(value: number): void {
    const at = this.ensure(2);
    this.buf.writeUInt16BE(value, at);
  }
  int32(value: number): void {
    const at = this.ensure(4);
    this.buf.writeInt32BE(value, at);
  }
  uint32(value: number): void {
    const at = this.ensure(4);
    this.buf.writeUInt32BE(value, at);
  }
  int64(value: bigint): void {
    const at = this.ensure(8);
    this.buf.writeBigInt64BE(value, at);
  }
  float64(value: number): void {
    const at = this.ensure(8);
    this.buf.writeDoubleBE(value, at);
  }
  bool(value: boolean): void {
    const at = this.ensure(1);
    this.buf[at] = value ? 1 : 0;
  }

  /** Unsigned varint (flexible versions' lengths, counts and tags). */
  uvarint(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new KafkaProtocolError(`uvarint out of range: ${value}`);
    while (value >= 0x80) {
      const at = this.ensure(1);
      this.buf[at] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    const at = this.ensure(1);
    this.buf[at] = value;
  }

  raw(bytes: Uint8Array): void {
    const at = this.ensure(bytes.length);
    this.buf.set(bytes, at);
  }

  private utf8(value: string, byteLength: number): void {
    const at = this.ensure(byteLength);
    this.buf.write(value, at, byteLength, 'utf8');
  }

  string(value: string): void {
    const n = Buffer.byteLength(value, 'utf8');
    if (n > 0x7fff) throw new KafkaProtocolError(`string of ${n} bytes does not fit an int16 length`);
    this.int16(n);
    this.utf8(value, n);
  }
  nullableString(value: string | null): void {
    if (value === null) this.int16(-1);
    else this.string(value);
  }
  compactString(value: string): void {
    const n = Buffer.byteLength(value, 'utf8');
    this.uvarint(n + 1);
    this.utf8(value, n);
  }
  compactNullableString(value: string | null): void {
    if (value === null) this.uvarint(0);
    else this.compactString(value);
  }

  bytes(value: Uint8Array): void {
    this.int32(value.length);
    this.raw(value);
  }
  nullableBytes(value: Uint8Array | null): void {
    if (value === null) this.int32(-1);
    else this.bytes(value);
  }
  compactBytes(value: Uint8Array): void {
    this.uvarint(value.length + 1);
    this.raw(value);
  }
  compactNullableBytes(value: Uint8Array | null): void {
    if (value === null) this.uvarint(0);
    else this.compactBytes(value);
  }

  uuid(value: string): void {
    if (!isUuid(value)) throw new KafkaProtocolError(`not a canonical lowercase uuid: ${JSON.stringify(value)}`);
    const at = this.ensure(16);
    this.buf.write(value.replaceAll('-', ''), at, 16, 'hex');
  }

  /** Array count: int32 (-1 = null) or, compact, uvarint count + 1 (0 = null). */
  arrayLength(compact: boolean, value: readonly unknown[] | null): void {
    if (compact) this.uvarint(value === null ? 0 : value.length + 1);
    else this.int32(value === null ? -1 : value.length);
  }
}

// Bounds-checked reads of Kafka's wire primitives over one Buffer. Every failure is a KafkaProtocolError:
// a hostile frame must never surface as Buffer's RangeError nor make us allocate more than it carries.

const BRAND = Symbol.for('brook.KafkaProtocolError');

/** The most elements one array of a request may have (topics, partitions, groups, ...). */
export const MAX_ARRAY_LENGTH = 100_000;

/**
 * The one error the codecs throw: the bytes are not a valid encoding of what was expected. The listener
 * closes a connection whose request throws it (Kafka does the same).
 */
export class KafkaProtocolError extends Error {
  override name = 'KafkaProtocolError';
  readonly [BRAND] = true;
}

/** Brand check instead of instanceof: Next's bundles and main.ts may hold separate module copies. */
export function isKafkaProtocolError(err: unknown): err is KafkaProtocolError {
  return typeof err === 'object' && err !== null && (err as { [BRAND]?: boolean })[BRAND] === true;
}

const UUID_HEX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class Reader {
  offset: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    end = buf.length,
  ) {
    if (offset < 0 || end > buf.length || offset > end) throw new KafkaProtocolError('reader range outside the buffer');
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Claims n bytes and returns where they start. */
  private take(n: number): number {
    const at = this.offset;
    if (n > this.end - at) throw new KafkaProtocolError(`truncated: needed ${n} bytes at offset ${at}, ${this.end - at} left`);
    this.offset = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }
  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.take(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.take(8));
  }
  float64(): number {
    return this.buf.readDoubleBE(this.take(8));
  }
  bool(): boolean {
    return this.buf[this.take(1)] !== 0;
  }

  /** Unsigned varint (flexible versions' lengths, counts and tags), at most 32 bits. */
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buf[this.take(1)];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (value > 0xffffffff) break;
        return value;
      }
    }
    throw new KafkaProtocolError('unsigned varint longer than 32 bits');
  }

  /** Compact length: uvarint holding length + 1, 0 meaning null (-1 here). */
  private compactLength(): number {
    return this.uvarint() - 1;
  }

  private utf8(length: number): string {
    const at = this.take(length);
    return this.buf.toString('utf8', at, at + length);
  }

  string(): string {
    const n = this.int16();
    if (n < 0) throw new KafkaProtocolError(`non-nullable string has length ${n}`);
    return this.utf8(n);
  }
  nullableString(): string | null {
    const n = this.int16();
    if (n === -1) return null;
    if (n < 0) throw new KafkaProtocolError(`string has length ${n}`);
    return this.utf8(n);
  }
  compactString(): string {
    const n = this.compactLength();
    if (n < 0) throw new KafkaProtocolError('non-nullable compact string is null');
    return this.utf8(n);
  }
  compactNullableString(): string | null {
    const n = this.compactLength();
    return n < 0 ? null : this.utf8(n);
  }

  /** The bytes are a view of the frame (no copy): copy them if they must outlive it. */
  raw(length: number): Buffer {
    const at = this.take(length);
    return this.buf.subarray(at, at + length);
  }

  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) throw new KafkaProtocolError(`non-nullable bytes have length ${n}`);
    return this.raw(n);
  }
  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) throw new KafkaProtocolError(`bytes have length ${n}`);
    return this.raw(n);
  }
  compactBytes(): Buffer {
    const n = this.compactLength();
    if (n < 0) throw new KafkaProtocolError('non-nullable compact bytes are null');
    return this.raw(n);
  }
  compactNullableBytes(): Buffer | null {
    const n = this.compactLength();
    return n < 0 ? null : this.raw(n);
  }

  /** 16 bytes as the canonical lowercase 8-4-4-4-12 hex form. */
  uuid(): string {
    const at = this.take(16);
    const hex = this.buf.toString('hex', at, at + 16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /**
   * Array count (int32, or compact uvarint count + 1); -1 is null, refused unless `nullable`. A count above
   * the bytes left cannot be honest (every element takes at least one byte), so it is refused before any
   * allocation or loop.
   */
  arrayLength(compact: boolean, nullable: boolean): number {
    const n = compact ? this.compactLength() : this.int32();
    if (n < 0) {
      if (n === -1 && nullable) return -1;
      throw new KafkaProtocolError(`array count ${n}`);
    }
    if (n > this.end - this.offset) throw new KafkaProtocolError(`array count ${n} exceeds the ${this.end - this.offset} bytes left`);
    // A few bytes per element on the wire become a whole object in memory: a 100 MB frame of 2-byte
    // elements would be gigabytes of heap. No request a client sends has this many of anything.
    if (n > MAX_ARRAY_LENGTH) throw new KafkaProtocolError(`array count ${n} exceeds the ${MAX_ARRAY_LENGTH} Brook accepts`);
    return n;
  }

  /** Skips one unknown tagged field's value (its size was already read). */
  skip(n: number): void {
    this.take(n);
  }
}

export function isUuid(value: string): boolean {
  return UUID_HEX.test(value);
}

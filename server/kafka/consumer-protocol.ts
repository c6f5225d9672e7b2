import { isUtf8 } from 'node:buffer';
import { BrokerError } from '@/server/broker/errors';
import type { TopicPartitions } from '@/server/kernel/topic-partition';

/**
 * Kafka's embedded consumer protocol: the bytes a classic client puts in JoinGroup's protocol metadata
 * (ConsumerProtocolSubscription) and expects back in SyncGroup's assignment (ConsumerProtocolAssignment).
 * Both start with an int16 version, then non-flexible fields (int16-length strings, int32-length arrays
 * and bytes, -1 for null). kafkajs writes version 0 (topics, userData); librdkafka 1.5-2.1 writes v1
 * (owned partitions, empty userData rather than null), 2.2+ v3 (generation, rack), as the Java client does.
 *
 * As Kafka does, a version above 3 is read with the v3 layout (newer versions only append fields). Unlike
 * Kafka, a v1+ body that ends exactly where an optional field would begin gets that field's default:
 * some clients announce a version without writing its trailing fields.
 */

export const MAX_CONSUMER_PROTOCOL_VERSION = 3;

export interface ConsumerSubscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  /** v1+: what the member owns now (a cooperative client keeps partitions across a rebalance). */
  ownedPartitions: TopicPartitions[];
  /** v2+: the generation the owned partitions belong to; -1 when unknown. */
  generationId: number;
  /** v3+ */
  rackId: string | null;
}

export interface ConsumerAssignment {
  version: number;
  assignedPartitions: TopicPartitions[];
  userData: Buffer | null;
}

/** Garbage in the embedded protocol: the member's protocol cannot be the group's. */
const malformed = (what: string, detail: string) => new BrokerError('INCONSISTENT_GROUP_PROTOCOL', `Malformed ${what}: ${detail}.`);

class Reader {
  private pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  private need(n: number, field: string): void {
    if (this.pos + n > this.buf.length) {
      throw malformed(this.what, `${field} needs ${n} byte(s) at offset ${this.pos}, ${this.buf.length - this.pos} left`);
    }
  }

  int16(field: string): number {
    this.need(2, field);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(field: string): number {
    this.need(4, field);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  nullableString(field: string): string | null {
    const len = this.int16(`${field} length`);
    if (len === -1) return null;
    if (len < 0) throw malformed(this.what, `${field} has length ${len}`);
    this.need(len, field);
    const bytes = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    // Kafka strings are UTF-8; a byte sequence that is not would not round-trip.
    if (!isUtf8(bytes)) throw malformed(this.what, `${field} is not valid UTF-8`);
    return bytes.toString('utf8');
  }

  string(field: string): string {
    const s = this.nullableString(field);
    if (s === null) throw malformed(this.what, `${field} is null`);
    return s;
  }

  nullableBytes(field: string): Buffer | null {
    const len = this.int32(`${field} length`);
    if (len === -1) return null;
    if (len < 0) throw malformed(this.what, `${field} has length ${len}`);
    this.need(len, field);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    return out;
  }

  /** An array; each element is at least `minSize` bytes, so a huge count fails before any allocation. */
  array<T>(field: string, minSize: number, read: (i: number) => T): T[] {
    const n = this.int32(`${field} count`);
    if (n < 0) throw malformed(this.what, `${field} has count ${n}`);
    this.need(n * minSize, field);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(read(i));
    return out;
  }
}

function readTopicPartitions(r: Reader, field: string): TopicPartitions[] {
  return r.array(field, 6, (i) => {
    const topic = r.string(`${field}[${i}].topic`);
    const partitions = r.array(`${field}[${i}].partitions`, 4, () => r.int32('partition'));
    return { topic, partitions };
  });
}

function readVersion(r: Reader): number {
  const version = r.int16('version');
  if (version < 0) throw malformed('consumer protocol', `version ${version}`);
  return version;
}

export function decodeSubscription(buf: Uint8Array): ConsumerSubscription {
  const r = new Reader(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), 'ConsumerProtocolSubscription');
  const version = readVersion(r);
  const topics = r.array('topics', 2, (i) => r.string(`topics[${i}]`));
  const userData = r.nullableBytes('userData');
  const out: ConsumerSubscription = { version, topics, userData, ownedPartitions: [], generationId: -1, rackId: null };
  if (version >= 1 && !r.done) out.ownedPartitions = readTopicPartitions(r, 'ownedPartitions');
  if (version >= 2 && !r.done) out.generationId = r.int32('generationId');
  if (version >= 3 && !r.done) out.rackId = r.nullableString('rackId');
  return out;
}

export function decodeAssignment(buf: Uint8Array): ConsumerAssignment {
  const r = new Reader(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), 'ConsumerProtocolAssignment');
  const version = readVersion(r);
  const assignedPartitions = readTopicPartitions(r, 'assignedPartitions');
  const userData = r.done ? null : r.nullableBytes('userData');
  return { version, assignedPartitions, userData };
}

class Writer {
  private readonly parts: Buffer[] = [];

  int16(v: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }

  int32(v: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }

  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    const bytes = Buffer.from(s, 'utf8');
    if (bytes.length > 0x7fff) throw new BrokerError('INVALID_REQUEST', `A string of ${bytes.length} bytes does not fit an int16 length.`);
    this.int16(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  nullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    this.parts.push(Buffer.from(b));
    return this;
  }

  array<T>(items: readonly T[], write: (item: T) => void): this {
    this.int32(items.length);
    for (const item of items) write(item);
    return this;
  }

  topicPartitions(tps: readonly TopicPartitions[]): this {
    return this.array(tps, (tp) => {
      this.nullableString(tp.topic);
      this.array(tp.partitions, (p) => this.int32(p));
    });
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < 0 || version > MAX_CONSUMER_PROTOCOL_VERSION) {
    throw new BrokerError('INVALID_REQUEST', `Consumer protocol version ${version} is not one of 0-${MAX_CONSUMER_PROTOCOL_VERSION}.`);
  }
}

export function encodeSubscription(s: {
  version: number;
  topics: readonly string[];
  userData?: Uint8Array | null;
  ownedPartitions?: readonly TopicPartitions[];
  generationId?: number;
  rackId?: string | null;
}): Buffer {
  checkVersion(s.version);
  const w = new Writer().int16(s.version);
  w.array(s.topics, (t) => w.nullableString(t));
  w.nullableBytes(s.userData ?? null);
  if (s.version >= 1) w.topicPartitions(s.ownedPartitions ?? []);
  if (s.version >= 2) w.int32(s.generationId ?? -1);
  if (s.version >= 3) w.nullableString(s.rackId ?? null);
  return w.done();
}

/** The assignment's layout is the same in v0-v3; the version echoes the member's subscription's (as Kafka does). */
export function encodeAssignment(a: {
  version: number;
  assignedPartitions: readonly TopicPartitions[];
  userData?: Uint8Array | null;
}): Buffer {
  checkVersion(a.version);
  const w = new Writer().int16(a.version);
  w.topicPartitions(a.assignedPartitions);
  w.nullableBytes(a.userData ?? null);
  return w.done();
}

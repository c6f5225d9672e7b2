import { crc32c } from '@node-rs/crc32';
import { encodeHeaders, type RecordHeader } from '@/server/broker/log/record-codec';
import { varintSize, varlongSize, writeVarint, writeVarlong } from '@/server/broker/log/varint';
import { COMPRESSION_CODES, type Compression, compress } from './compression';
import {
  ATTR_TIMESTAMP_TYPE,
  ATTR_TRANSACTIONAL,
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  LOG_OVERHEAD,
  RECORDS_OFFSET,
  type TimestampType,
} from './record-batch';

/** Encoding of one magic v2 record batch (layout in record-batch.ts). */

export interface EncodeRecord {
  /** Absolute; offsets may have gaps (compaction), never go backwards. */
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly RecordHeader[];
}

export interface EncodeBatchOptions {
  baseOffset: number;
  records: readonly EncodeRecord[];
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  partitionLeaderEpoch?: number;
  isTransactional?: boolean;
  compression?: Exclude<Compression, 'zstd'>;
  timestampType?: TimestampType;
}

/**
 * Headers already in Kafka's record-header encoding (count, then key/value pairs), as Brook stores them
 * (record-codec's encodeHeaders): copied as they are, which keeps a fetch byte-exact and cheap.
 */
export interface RawEncodeRecord extends Omit<EncodeRecord, 'headers'> {
  headerBytes: Uint8Array | null;
}

export function encodeRecordBatch(opts: EncodeBatchOptions): Buffer {
  const records = opts.records.map((r) => ({ ...r, headerBytes: r.headers ? encodeHeaders(r.headers) : null }));
  return encodeRawRecordBatch({ ...opts, records });
}

const EMPTY_HEADERS = new Uint8Array([0]); // varint 0

export function encodeRawRecordBatch(opts: Omit<EncodeBatchOptions, 'records'> & { records: readonly RawEncodeRecord[] }): Buffer {
  const { baseOffset, records } = opts;
  if (records.length === 0) throw new RangeError('A record batch needs at least one record');
  const baseTimestamp = records[0].timestamp;
  let maxTimestamp = baseTimestamp;
  let size = 0;
  const bodySizes = new Array<number>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    const body =
      1 +
      varlongSize(r.timestamp - baseTimestamp) +
      varintSize(r.offset - baseOffset) +
      bytesSize(r.key) +
      bytesSize(r.value) +
      (r.headerBytes?.length || 1);
    bodySizes[i] = body;
    size += varintSize(body) + body;
  }
  let recordBytes: Buffer = Buffer.allocUnsafe(size);
  let pos = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    pos = writeVarint(recordBytes, pos, bodySizes[i]);
    recordBytes[pos++] = 0; // record attributes: unused
    pos = writeVarlong(recordBytes, pos, r.timestamp - baseTimestamp);
    pos = writeVarint(recordBytes, pos, r.offset - baseOffset);
    pos = writeBytes(recordBytes, pos, r.key);
    pos = writeBytes(recordBytes, pos, r.value);
    const h = r.headerBytes?.length ? r.headerBytes : EMPTY_HEADERS;
    recordBytes.set(h, pos);
    pos += h.length;
  }
  const compression = opts.compression ?? 'none';
  if (compression !== 'none') recordBytes = compress(compression, recordBytes);

  const out = Buffer.allocUnsafe(RECORDS_OFFSET + recordBytes.length);
  writeInt64(out, 0, baseOffset);
  out.writeInt32BE(out.length - LOG_OVERHEAD, 8);
  out.writeInt32BE(opts.partitionLeaderEpoch ?? -1, 12);
  out.writeInt8(2, 16);
  let attributes = COMPRESSION_CODES[compression];
  if (opts.timestampType === 'LogAppendTime') attributes |= ATTR_TIMESTAMP_TYPE;
  if (opts.isTransactional) attributes |= ATTR_TRANSACTIONAL;
  out.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  out.writeInt32BE(records[records.length - 1].offset - baseOffset, 23);
  writeInt64(out, 27, baseTimestamp);
  writeInt64(out, 35, maxTimestamp);
  writeInt64(out, 43, opts.producerId ?? -1);
  out.writeInt16BE(opts.producerEpoch ?? -1, 51);
  out.writeInt32BE(opts.baseSequence ?? -1, 53);
  out.writeInt32BE(records.length, 57);
  recordBytes.copy(out, RECORDS_OFFSET);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)) >>> 0, CRC_OFFSET);
  return out;
}

const bytesSize = (b: Uint8Array | null) => (b === null ? 1 : varintSize(b.length) + b.length);

function writeBytes(buf: Buffer, pos: number, b: Uint8Array | null): number {
  if (b === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.length);
  buf.set(b, pos);
  return pos + b.length;
}

/** A safe integer (possibly negative, e.g. -1) as a big-endian int64, without BigInt. */
function writeInt64(buf: Buffer, pos: number, n: number) {
  const hi = Math.floor(n / 2 ** 32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(n - hi * 2 ** 32, pos + 4);
}

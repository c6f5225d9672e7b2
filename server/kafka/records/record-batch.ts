import { crc32c } from '@node-rs/crc32';
import { BrokerError } from '@/server/broker/errors';
import type { RecordHeader } from '@/server/broker/log/record-codec';
import { type Cursor, readVarint, readVarlong } from '@/server/broker/log/varint';
import { type Compression, compressionFromAttributes, decompress } from './compression';

/**
 * Decoding of record batches, magic v2 (Kafka's DefaultRecordBatch):
 *
 *   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 *   attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
 *   producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32 | records
 *
 * batchLength counts the bytes after itself; the CRC-32C covers attributes to the end. Keys, values and
 * header values of uncompressed batches are views into the input (no copy): keep the input alive.
 */

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface DecodedRecord {
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  /** baseOffset + offsetDelta. */
  offset: number;
  /** Absolute: baseTimestamp + timestampDelta, or the batch's maxTimestamp under LogAppendTime. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface RecordBatch {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: Compression;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  records: DecodedRecord[];
}

export interface DecodeOptions {
  /** Budget for the records of all batches after decompression (a bomb fails with MESSAGE_TOO_LARGE). */
  maxUncompressedBytes: number;
  /**
   * A fetch response may end in a partial batch (the broker cut at its byte limit): true drops it.
   * In a produce request it is CORRUPT_MESSAGE (the default).
   */
  allowTrailingPartial?: boolean;
  /**
   * A budget shared with other calls (all partitions of one Produce request), instead of a fresh one of
   * `maxUncompressedBytes`: what this call decompresses is taken from `left`.
   */
  budget?: { left: number };
}

/** The bytes before batchLength's count starts (baseOffset, batchLength): Kafka's LOG_OVERHEAD. */
export const LOG_OVERHEAD = 12;
/** Header size up to and including recordCount; records start here. */
export const RECORDS_OFFSET = 61;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
const MAGIC_OFFSET = 16;
/** The smallest record: length, attributes, timestampDelta, offsetDelta, key, value, header count. */
const MIN_RECORD_BYTES = 7;

export const ATTR_TIMESTAMP_TYPE = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;

const corrupt = (what: string) => new BrokerError('CORRUPT_MESSAGE', `Corrupt record batch: ${what}.`);

/** A signed int64 as a number; offsets, ids and timestamps beyond ±2^53 are refused rather than rounded. */
function readInt64(buf: Buffer, pos: number, what: string): number {
  const n = buf.readInt32BE(pos) * 2 ** 32 + buf.readUInt32BE(pos + 4);
  if (!Number.isSafeInteger(n)) throw corrupt(`${what} beyond 2^53`);
  return n;
}

const crcOf = (bytes: Uint8Array) => crc32c(bytes) >>> 0;

export function decodeRecordBatches(input: Uint8Array, opts: DecodeOptions): RecordBatch[] {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const batches: RecordBatch[] = [];
  const budget = opts.budget ?? { left: opts.maxUncompressedBytes };
  let pos = 0;
  while (pos < buf.length) {
    const left = buf.length - pos;
    if (left < LOG_OVERHEAD) {
      if (opts.allowTrailingPartial) break;
      throw corrupt(`${left} trailing bytes are not a record batch`);
    }
    const batchLength = buf.readInt32BE(pos + 8);
    if (left > MAGIC_OFFSET) {
      const magic = buf.readInt8(pos + MAGIC_OFFSET);
      if (magic !== 2) {
        // What Kafka's ProduceRequest.validateRecords raises for v3+ (InvalidRecordException).
        throw new BrokerError('INVALID_RECORD', `Record batches must use magic v2 (message format 2); got magic ${magic}.`);
      }
    }
    if (batchLength < RECORDS_OFFSET - LOG_OVERHEAD) throw corrupt(`batch length ${batchLength} below the v2 header's size`);
    if (batchLength > left - LOG_OVERHEAD) {
      if (opts.allowTrailingPartial) break;
      throw corrupt(`batch of ${batchLength} bytes truncated to ${left - LOG_OVERHEAD}`);
    }
    const end = pos + LOG_OVERHEAD + batchLength;
    batches.push(decodeBatch(buf.subarray(pos, end), budget, opts.maxUncompressedBytes));
    pos = end;
  }
  return batches;
}

/** One complete batch (`b` is exactly its bytes). */
function decodeBatch(b: Buffer, budget: { left: number }, maxBytes: number): RecordBatch {
  const crc = b.readUInt32BE(CRC_OFFSET);
  const actual = crcOf(b.subarray(ATTRIBUTES_OFFSET));
  if (crc !== actual) throw corrupt(`CRC-32C mismatch (batch says ${crc}, bytes give ${actual})`);
  const attributes = b.readInt16BE(ATTRIBUTES_OFFSET);
  const compression = compressionFromAttributes(attributes);
  const batch: RecordBatch = {
    baseOffset: readInt64(b, 0, 'base offset'),
    batchLength: b.length - LOG_OVERHEAD,
    partitionLeaderEpoch: b.readInt32BE(12),
    magic: 2,
    crc,
    attributes,
    compression,
    timestampType: attributes & ATTR_TIMESTAMP_TYPE ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl: (attributes & ATTR_CONTROL) !== 0,
    lastOffsetDelta: b.readInt32BE(23),
    baseTimestamp: readInt64(b, 27, 'base timestamp'),
    maxTimestamp: readInt64(b, 35, 'max timestamp'),
    producerId: readInt64(b, 43, 'producer id'),
    producerEpoch: b.readInt16BE(51),
    baseSequence: b.readInt32BE(53),
    recordCount: b.readInt32BE(57),
    records: [],
  };
  if (batch.recordCount < 0) throw corrupt(`negative record count ${batch.recordCount}`);
  let body = b.subarray(RECORDS_OFFSET);
  if (compression !== 'none') {
    body = decompress(compression, body, budget.left);
  } else if (body.length > budget.left) {
    throw new BrokerError('MESSAGE_TOO_LARGE', `The records of this request exceed ${maxBytes} bytes.`);
  }
  budget.left -= body.length;
  // Checked before the loop so a forged count cannot make it spin or allocate.
  if (batch.recordCount > body.length / MIN_RECORD_BYTES) {
    throw corrupt(`${batch.recordCount} records cannot fit in ${body.length} bytes`);
  }
  const c: Cursor = { pos: 0 };
  for (let i = 0; i < batch.recordCount; i++) batch.records.push(decodeRecord(body, c, batch));
  if (c.pos !== body.length) throw corrupt(`${body.length - c.pos} bytes after the batch's ${batch.recordCount} records`);
  return batch;
}

/** A length-prefixed byte string: -1 is null; anything else must fit before `end`. */
function readBytes(buf: Buffer, c: Cursor, end: number, what: string): Buffer | null {
  const len = readVarint(buf, c, end);
  if (len === -1) return null;
  if (len < 0 || len > end - c.pos) throw corrupt(`${what} length ${len} out of bounds`);
  const out = buf.subarray(c.pos, c.pos + len);
  c.pos += len;
  return out;
}

function decodeRecord(buf: Buffer, c: Cursor, batch: RecordBatch): DecodedRecord {
  const length = readVarint(buf, c);
  if (length < 0 || length > buf.length - c.pos) throw corrupt(`record length ${length} out of bounds`);
  const end = c.pos + length;
  if (end === c.pos) throw corrupt('empty record');
  const attributes = buf.readInt8(c.pos++);
  const timestampDelta = readVarlong(buf, c, end);
  const offsetDelta = readVarint(buf, c, end);
  const key = readBytes(buf, c, end, 'key');
  const value = readBytes(buf, c, end, 'value');
  const count = readVarint(buf, c, end);
  // Each header takes at least two bytes (two lengths).
  if (count < 0 || count > (end - c.pos) / 2) throw corrupt(`header count ${count} out of bounds`);
  const headers: RecordHeader[] = [];
  for (let i = 0; i < count; i++) {
    const k = readBytes(buf, c, end, 'header key');
    if (k === null) throw corrupt('null header key');
    // Kafka's header keys are UTF-8 strings: invalid bytes become U+FFFD, as in Java's decoder.
    headers.push({ key: k.toString('utf8'), value: readBytes(buf, c, end, 'header value') });
  }
  if (c.pos !== end) throw corrupt(`record length ${length} disagrees with its fields`);
  const timestamp = batch.timestampType === 'LogAppendTime' ? batch.maxTimestamp : batch.baseTimestamp + timestampDelta;
  return { attributes, timestampDelta, offsetDelta, offset: batch.baseOffset + offsetDelta, timestamp, key, value, headers };
}

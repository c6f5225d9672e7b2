import { readVarint, varintSize, writeVarint } from './varint';
/**
 * Byte-level encodings of the log: record headers in Kafka's own record-header format, and rows in
 * Postgres' binary COPY format (one allocation per batch).
 */

export interface RecordHeader {
  key: string;
  value: Uint8Array | null;
}

/** A record ready to be appended: partition chosen, bytes encoded, timestamp fixed. */
export interface PreparedRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  /** Encoded headers (see encodeHeaders), null when there are none. */
  headers: Uint8Array | null;
  timestamp: number;
}

export const recordBytes = (r: Pick<PreparedRecord, 'key' | 'value' | 'headers'>) =>
  (r.key?.length ?? 0) + (r.value?.length ?? 0) + (r.headers?.length ?? 0);

const utf8Decoder = new TextDecoder();

/** Headers keep their order and may repeat keys, as in Kafka. */
export function encodeHeaders(headers: readonly RecordHeader[]): Uint8Array | null {
  if (headers.length === 0) return null;
  const keys = headers.map((h) => Buffer.from(h.key, 'utf8'));
  let size = varintSize(headers.length);
  headers.forEach((h, i) => {
    size += varintSize(keys[i].length) + keys[i].length;
    size += h.value === null ? varintSize(-1) : varintSize(h.value.length) + h.value.length;
  });
  const out = new Uint8Array(size);
  let pos = writeVarint(out, 0, headers.length);
  headers.forEach((h, i) => {
    pos = writeVarint(out, pos, keys[i].length);
    out.set(keys[i], pos);
    pos += keys[i].length;
    if (h.value === null) {
      pos = writeVarint(out, pos, -1);
    } else {
      pos = writeVarint(out, pos, h.value.length);
      out.set(h.value, pos);
      pos += h.value.length;
    }
  });
  return out;
}

export function decodeHeaders(buf: Uint8Array | null): RecordHeader[] {
  if (!buf || buf.length === 0) return [];
  const c = { pos: 0 };
  let count = readVarint(buf, c);
  const out: RecordHeader[] = [];
  while (count-- > 0) {
    let len = readVarint(buf, c);
    const key = utf8Decoder.decode(buf.subarray(c.pos, c.pos + len));
    c.pos += len;
    len = readVarint(buf, c);
    if (len < 0) {
      out.push({ key, value: null });
    } else {
      out.push({ key, value: buf.subarray(c.pos, c.pos + len) });
      c.pos += len;
    }
  }
  return out;
}

// --- Postgres binary COPY -------------------------------------------------------------------------

/** Columns written by `encodeCopyRows`, in order. */
export const COPY_COLUMNS = ['partition_id', 'offset', 'timestamp', 'key', 'value', 'headers'] as const;
/** Columns written by `encodeCopyRows(batches, true)`: an idempotent producer's batch keeps its fields on every row. */
export const COPY_COLUMNS_WITH_PRODUCER = [...COPY_COLUMNS, 'producer_id', 'producer_epoch', 'sequence'] as const;

const COPY_SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]; // "PGCOPY\n\377\r\n\0"

export interface CopyBatch {
  partitionId: number;
  baseOffset: number;
  records: readonly PreparedRecord[];
  /** Idempotent producer fields; `sequence` is the batch's first sequence, as Kafka's batch header has it. */
  producer?: { producerId: number; producerEpoch: number; baseSequence: number };
}

/** Non-negative safe integers only (offsets, ms timestamps); avoids a BigInt per field. */
function setInt64(view: DataView, pos: number, n: number) {
  view.setUint32(pos, Math.floor(n / 0x1_0000_0000));
  view.setUint32(pos + 4, n >>> 0);
}

/**
 * Encodes rows for `COPY records (...) FROM STDIN WITH (FORMAT binary)`: offsets are base + index. With
 * `withProducer`, the columns are COPY_COLUMNS_WITH_PRODUCER (null for a batch without producer fields).
 */
export function encodeCopyRows(batches: readonly CopyBatch[], withProducer = false): Uint8Array {
  const columns = withProducer ? COPY_COLUMNS_WITH_PRODUCER.length : COPY_COLUMNS.length;
  let size = 11 + 8 + 2; // signature, flags + header extension length, trailer
  for (const b of batches) {
    const producerBytes = !withProducer ? 0 : b.producer ? 12 + 6 + 8 : 12;
    for (const r of b.records) size += 2 + 8 + 12 + 12 + 12 + recordBytes(r) + producerBytes;
  }
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  buf.set(COPY_SIGNATURE, 0);
  let pos = 19; // flags (int32 0) and header extension length (int32 0) are already zero
  const bytes = (v: Uint8Array | null) => {
    if (v === null) {
      view.setInt32(pos, -1);
      pos += 4;
    } else {
      view.setInt32(pos, v.length);
      buf.set(v, pos + 4);
      pos += 4 + v.length;
    }
  };
  for (const b of batches) {
    b.records.forEach((r, i) => {
      view.setInt16(pos, columns);
      view.setInt32(pos + 2, 4);
      view.setInt32(pos + 6, b.partitionId);
      view.setInt32(pos + 10, 8);
      setInt64(view, pos + 14, b.baseOffset + i);
      view.setInt32(pos + 22, 8);
      setInt64(view, pos + 26, r.timestamp);
      pos += 34;
      bytes(r.key);
      bytes(r.value);
      bytes(r.headers);
      if (withProducer) pos = writeProducer(view, pos, b.producer);
    });
  }
  view.setInt16(pos, -1);
  return buf;
}

function writeProducer(view: DataView, pos: number, p: CopyBatch['producer']): number {
  if (!p) {
    for (let i = 0; i < 3; i++) view.setInt32(pos + 4 * i, -1);
    return pos + 12;
  }
  view.setInt32(pos, 8);
  setInt64(view, pos + 4, p.producerId);
  view.setInt32(pos + 12, 2);
  view.setInt16(pos + 16, p.producerEpoch);
  view.setInt32(pos + 18, 4);
  view.setInt32(pos + 22, p.baseSequence);
  return pos + 26;
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBrokerError, type KafkaErrorName } from '@/server/broker/errors';
import type { Compression } from './compression';
import { type KafkajsMessage, kafkajsBatch, kafkajsDecode } from './kafkajs-oracle';
import { decodeRecordBatches, type RecordBatch } from './record-batch';
import { type EncodeRecord, encodeRecordBatch } from './record-batch-encode';

const MiB = 1 << 20;
const opts = { maxUncompressedBytes: 16 * MiB };
const b = (s: string) => Buffer.from(s);
const T0 = 1_700_000_000_000;

/** Keys, null keys, tombstones, empty values, headers (repeated keys, empty values), binary bytes. */
function messages(n: number): KafkajsMessage[] {
  return Array.from(
    { length: n },
    (_, i): KafkajsMessage => ({
      key: i % 5 === 0 ? null : b(`key-${i % 13}`),
      value:
        i % 7 === 3
          ? null
          : i % 11 === 4
            ? Buffer.alloc(0)
            : Buffer.concat([b(`value ${i} `), Buffer.from([0, 255, i & 255]), b('x'.repeat(i % 40))]),
      headers: i % 3 === 0 ? {} : { trace: b(`t${i}`), multi: [b('a'), b('')], bin: Buffer.from([0xff, 0xfe]) },
      // Out of order on purpose: a delta may be negative.
      timestamp: T0 + ((i * 37) % 101) - 20,
    }),
  );
}

function flattenHeaders(h: KafkajsMessage['headers']) {
  return Object.entries(h ?? {}).flatMap(([key, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({ key, value })));
}

function expectSameRecords(batch: RecordBatch, msgs: KafkajsMessage[], baseOffset = 0) {
  expect(batch.recordCount).toBe(msgs.length);
  expect(batch.records).toHaveLength(msgs.length);
  batch.records.forEach((r, i) => {
    expect(r.offset).toBe(baseOffset + i);
    expect(r.offsetDelta).toBe(i);
    expect(r.timestamp).toBe(msgs[i].timestamp);
    expect(r.key).toEqual(msgs[i].key);
    expect(r.value).toEqual(msgs[i].value);
    expect(r.headers).toEqual(flattenHeaders(msgs[i].headers));
  });
}

const toEncode = (msgs: KafkajsMessage[], baseOffset = 0): EncodeRecord[] =>
  msgs.map((m, i) => ({ offset: baseOffset + i, timestamp: m.timestamp, key: m.key, value: m.value, headers: flattenHeaders(m.headers) }));

/** Recomputes the CRC after a test edits a batch (so the edit reaches the parser behind the CRC). */
function withCrc(batch: Buffer): Buffer {
  const out = Buffer.from(batch);
  out.writeUInt32BE(crc32c(out.subarray(21)) >>> 0, 17);
  return out;
}

function errorName(f: () => unknown): KafkaErrorName | 'none' | string {
  try {
    f();
    return 'none';
  } catch (err) {
    return isBrokerError(err) ? err.kafkaName : String(err);
  }
}

describe('record batches v2 against kafkajs', () => {
  const codecs = ['none', 'gzip', 'snappy', 'lz4'] as const;

  it.each(codecs)('batches kafkajs encodes (%s) decode to the same fields', async (codec) => {
    for (const n of [1, 10, 1000]) {
      const msgs = messages(n);
      const [batch, ...rest] = decodeRecordBatches(await kafkajsBatch(msgs, codec), opts);
      expect(rest).toEqual([]);
      expect(batch.compression).toBe(codec);
      expect(batch.magic).toBe(2);
      expect(batch.baseOffset).toBe(0);
      expect(batch.lastOffsetDelta).toBe(n - 1);
      expect(batch.baseTimestamp).toBe(msgs[0].timestamp);
      expect(batch.maxTimestamp).toBe(Math.max(...msgs.map((m) => m.timestamp)));
      expect([batch.producerId, batch.producerEpoch, batch.baseSequence]).toEqual([-1, 0, 0]);
      expect([batch.timestampType, batch.isTransactional, batch.isControl]).toEqual(['CreateTime', false, false]);
      expectSameRecords(batch, msgs);
    }
  });

  it('an uncompressed batch we encode is byte-identical to kafkajs', async () => {
    const msgs = messages(300);
    const ours = encodeRecordBatch({ baseOffset: 0, records: toEncode(msgs), producerEpoch: 0, baseSequence: 0, partitionLeaderEpoch: 0 });
    expect(ours.equals(await kafkajsBatch(msgs, 'none'))).toBe(true);
  });

  it.each(codecs)('batches we encode (%s) decode with kafkajs, offset gaps included', async (codec) => {
    // Compaction leaves gaps: offsets 1000, 1003, 1004, ...
    const msgs = messages(200);
    const records = toEncode(msgs).map((r, i) => ({ ...r, offset: 1000 + i * 2 + (i > 0 ? 1 : 0) }));
    const bytes = encodeRecordBatch({ baseOffset: 1000, records, compression: codec === 'none' ? undefined : codec });
    const decoded = await kafkajsDecode(bytes);
    expect(decoded.firstOffset).toBe('1000');
    expect(decoded.lastOffsetDelta).toBe(records[records.length - 1].offset - 1000);
    expect(decoded.records.map((r) => Number(r.offset))).toEqual(records.map((r) => r.offset));
    decoded.records.forEach((r, i) => {
      expect(Number(r.timestamp)).toBe(msgs[i].timestamp);
      expect(r.key).toEqual(msgs[i].key);
      expect(r.value).toEqual(msgs[i].value);
      expect(r.headers).toEqual(msgs[i].headers);
    });
    // And with ours: CRC, gaps and producer fields.
    const [batch] = decodeRecordBatches(bytes, opts);
    expect(batch.records.map((r) => r.offset)).toEqual(records.map((r) => r.offset));
    expect([batch.producerId, batch.producerEpoch, batch.baseSequence, batch.partitionLeaderEpoch]).toEqual([-1, -1, -1, -1]);
  });

  it('LogAppendTime batches give every record the max timestamp', () => {
    const bytes = encodeRecordBatch({ baseOffset: 5, records: toEncode(messages(3), 5), timestampType: 'LogAppendTime' });
    const [batch] = decodeRecordBatches(bytes, opts);
    expect(batch.timestampType).toBe('LogAppendTime');
    expect(new Set(batch.records.map((r) => r.timestamp))).toEqual(new Set([batch.maxTimestamp]));
  });

  it('a header key that is not UTF-8 decodes with U+FFFD (lossy, as in Kafka): values stay bytes', () => {
    const bytes = encodeRecordBatch({
      baseOffset: 0,
      records: [{ offset: 0, timestamp: T0, key: null, value: null, headers: [{ key: 'Q', value: Buffer.from([0xff]) }] }],
    });
    const bad = Buffer.from(bytes);
    bad[bad.indexOf('Q', 61)] = 0xff;
    const [batch] = decodeRecordBatches(withCrc(bad), opts);
    expect(batch.records[0].headers).toEqual([{ key: '\uFFFD', value: Buffer.from([0xff]) }]);
  });

  it('several batches in one records field decode in order', () => {
    const one = encodeRecordBatch({ baseOffset: 0, records: toEncode(messages(2)) });
    const two = encodeRecordBatch({ baseOffset: 2, records: toEncode(messages(3), 2) });
    expect(decodeRecordBatches(Buffer.concat([one, two]), opts).map((x) => x.records.map((r) => r.offset))).toEqual([
      [0, 1],
      [2, 3, 4],
    ]);
  });
});

describe('record batches written by librdkafka (kcat 1.7.1 on librdkafka 2.0.2)', () => {
  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as Compression[])('%s', (codec) => {
    const bytes = readFileSync(path.join(import.meta.dirname, `__fixtures__/kcat-${codec}.bin`));
    const [batch, ...rest] = decodeRecordBatches(bytes, opts);
    expect(rest).toEqual([]);
    expect(batch.compression).toBe(codec);
    expect(batch.recordCount).toBe(50);
    expect([batch.producerId, batch.producerEpoch, batch.baseSequence]).toEqual([-1, -1, -1]);
    batch.records.forEach((r, i) => {
      expect(r.offset).toBe(i);
      expect(r.timestamp).toBe(batch.baseTimestamp + r.timestampDelta);
      expect(r.key?.toString()).toBe(`key-${i % 7}`);
      expect(r.value?.toString()).toBe(`value ${i} ${'lorem ipsum '.repeat(i % 5)}`);
      expect(r.headers.map((h) => [h.key, h.value?.toString()])).toEqual([
        ['trace', 'abc'],
        ['empty', ''],
      ]);
    });
  });
});

describe('malformed batches give clean Kafka errors', () => {
  const valid = encodeRecordBatch({ baseOffset: 0, records: toEncode(messages(20)) });
  const gz = encodeRecordBatch({ baseOffset: 0, records: toEncode(messages(20)), compression: 'gzip' });

  it('a CRC mismatch is CORRUPT_MESSAGE', () => {
    for (const at of [21, 40, 61, valid.length - 1]) {
      const bad = Buffer.from(valid);
      bad[at] ^= 0x01;
      expect(
        errorName(() => decodeRecordBatches(bad, opts)),
        String(at),
      ).toBe('CORRUPT_MESSAGE');
    }
  });

  it('every truncation is CORRUPT_MESSAGE in a produce request; a fetch response may end in a partial batch', () => {
    for (let n = 1; n < valid.length; n++) {
      expect(
        errorName(() => decodeRecordBatches(valid.subarray(0, n), opts)),
        String(n),
      ).toBe('CORRUPT_MESSAGE');
      const fetched = decodeRecordBatches(Buffer.concat([valid, valid.subarray(0, n)]), { ...opts, allowTrailingPartial: true });
      expect(fetched).toHaveLength(1);
    }
  });

  it('record counts that disagree with the records are CORRUPT_MESSAGE', () => {
    for (const [bytes, delta] of [
      [valid, 1],
      [valid, -1],
      [gz, 1],
      [gz, -1],
    ] as const) {
      const bad = Buffer.from(bytes);
      bad.writeInt32BE(bad.readInt32BE(57) + delta, 57);
      expect(errorName(() => decodeRecordBatches(withCrc(bad), opts))).toBe('CORRUPT_MESSAGE');
    }
    const huge = Buffer.from(valid);
    huge.writeInt32BE(2 ** 31 - 1, 57);
    expect(errorName(() => decodeRecordBatches(withCrc(huge), opts))).toBe('CORRUPT_MESSAGE');
  });

  it('bad varints and lengths are CORRUPT_MESSAGE', () => {
    // The first record's length varint made overlong, then a key length beyond the record.
    const overlong = Buffer.from(valid);
    overlong.fill(0xff, 61, 67);
    expect(errorName(() => decodeRecordBatches(withCrc(overlong), opts))).toBe('CORRUPT_MESSAGE');
    const one = encodeRecordBatch({ baseOffset: 0, records: [{ offset: 0, timestamp: T0, key: b('k'), value: b('v') }] });
    // Layout: 61 length, 62 attributes, 63 tsDelta, 64 offsetDelta, 65 key length (2 = 1 byte)
    expect(one[65]).toBe(2);
    const longKey = Buffer.from(one);
    longKey[65] = 100;
    expect(errorName(() => decodeRecordBatches(withCrc(longKey), opts))).toBe('CORRUPT_MESSAGE');
    const negKey = Buffer.from(one);
    negKey[65] = 3; // -2
    expect(errorName(() => decodeRecordBatches(withCrc(negKey), opts))).toBe('CORRUPT_MESSAGE');
    const shortBatch = Buffer.from(valid);
    shortBatch.writeInt32BE(10, 8);
    expect(errorName(() => decodeRecordBatches(shortBatch, opts))).toBe('CORRUPT_MESSAGE');
  });

  it('magic 0 and 1 (message sets) are INVALID_RECORD, as Kafka answers Produce v3+', () => {
    for (const magic of [0, 1, 3]) {
      const old = Buffer.from(valid);
      old[16] = magic;
      expect(errorName(() => decodeRecordBatches(old, opts))).toBe('INVALID_RECORD');
    }
  });

  it('the uncompressed budget covers all batches of a request', () => {
    const two = Buffer.concat([gz, gz]);
    const size = valid.length - 61; // the records' bytes, uncompressed
    expect(errorName(() => decodeRecordBatches(two, { maxUncompressedBytes: size * 2 }))).toBe('none');
    expect(errorName(() => decodeRecordBatches(two, { maxUncompressedBytes: size * 2 - 1 }))).toBe('MESSAGE_TOO_LARGE');
    expect(errorName(() => decodeRecordBatches(valid, { maxUncompressedBytes: size - 1 }))).toBe('MESSAGE_TOO_LARGE');
  });

  it('random bytes and random edits behind a valid CRC never throw anything but a Kafka error', () => {
    const allowed = new Set(['none', 'CORRUPT_MESSAGE', 'INVALID_RECORD', 'MESSAGE_TOO_LARGE']);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(allowed).toContain(errorName(() => decodeRecordBatches(Buffer.from(bytes), opts)));
      }),
      { numRuns: 5000 },
    );
    const seeds = [valid, gz, encodeRecordBatch({ baseOffset: 0, records: toEncode(messages(5)), compression: 'lz4' })];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        (seed, edits) => {
          const bad = Buffer.from(seed);
          for (const e of edits) bad[21 + (e.at % (bad.length - 21))] = e.byte;
          expect(allowed).toContain(errorName(() => decodeRecordBatches(withCrc(bad), opts)));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

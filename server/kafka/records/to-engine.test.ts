import { describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { isBrokerError, type KafkaErrorName } from '@/server/broker/errors';
import type { StoredRecord } from '@/server/broker/log/read';
import { decodeHeaders, encodeHeaders, type RecordHeader } from '@/server/broker/log/record-codec';
import { testBroker } from '@/server/broker/testing';
import { kafkajsDecode } from './kafkajs-oracle';
import { decodeRecordBatches } from './record-batch';
import { type EncodeRecord, encodeRecordBatch } from './record-batch-encode';
import { batchesToProduceRecords, encodeFetchBatches } from './to-engine';

const opts = { maxUncompressedBytes: 1 << 20 };
const b = (s: string) => Buffer.from(s);
const T0 = 1_700_000_000_000;

/** Binary and non-UTF-8 bytes, null and empty header values, repeated header keys. */
const HEADERS: RecordHeader[] = [
  { key: 'bin', value: Buffer.from([0xff, 0x00, 0xc3]) },
  { key: 'null', value: null },
  { key: 'empty', value: Buffer.alloc(0) },
  { key: 'bin', value: b('again') },
];

const records = (n: number): EncodeRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    offset: i,
    timestamp: T0 + i,
    key: i % 4 === 0 ? null : Buffer.from([i & 255, 0xfe]),
    value: i % 5 === 2 ? null : b(`v${i}`.repeat(10)),
    headers: i % 2 ? HEADERS : [],
  }));

/** decodeHeaders gives Uint8Array views; the batch decoder Buffer views of the same bytes. */
const asBuffers = (hs: RecordHeader[]) => hs.map((h) => ({ key: h.key, value: h.value && Buffer.from(h.value) }));

function errorName(f: () => unknown): KafkaErrorName | 'none' | string {
  try {
    f();
    return 'none';
  } catch (err) {
    return isBrokerError(err) ? err.kafkaName : String(err);
  }
}

const stored = (n: number, gap = 1): StoredRecord[] =>
  records(n).map((r, i) => ({
    offset: 100 + i * gap,
    timestamp: r.timestamp,
    key: r.key,
    value: r.value,
    headers: encodeHeaders(r.headers ?? []),
  }));

describe('batches to engine records', () => {
  it('keeps keys, values, headers and timestamps and sets the partition', () => {
    const batches = decodeRecordBatches(encodeRecordBatch({ baseOffset: 0, records: records(6), compression: 'gzip' }), opts);
    const out = batchesToProduceRecords(batches, 3);
    expect(out).toHaveLength(6);
    out.forEach((r, i) => {
      const want = records(6)[i];
      expect(r).toEqual({ key: want.key, value: want.value, headers: want.headers, partition: 3, timestamp: want.timestamp });
    });
  });

  it('lets the broker stamp LogAppendTime batches and records without a timestamp (-1)', () => {
    const logAppend = decodeRecordBatches(encodeRecordBatch({ baseOffset: 0, records: records(2), timestampType: 'LogAppendTime' }), opts);
    expect(batchesToProduceRecords(logAppend, 0).map((r) => r.timestamp)).toEqual([undefined, undefined]);
    const none = decodeRecordBatches(encodeRecordBatch({ baseOffset: 0, records: records(2).map((r) => ({ ...r, timestamp: -1 })) }), opts);
    expect(batchesToProduceRecords(none, 0).map((r) => r.timestamp)).toEqual([undefined, undefined]);
  });

  it('refuses control batches and offsets other than 0..n-1, as Kafka does (INVALID_RECORD)', () => {
    const gapped = decodeRecordBatches(
      encodeRecordBatch({ baseOffset: 0, records: records(3).map((r, i) => ({ ...r, offset: i * 2 })) }),
      opts,
    );
    expect(errorName(() => batchesToProduceRecords(gapped, 0))).toBe('INVALID_RECORD');
    const [control] = decodeRecordBatches(encodeRecordBatch({ baseOffset: 0, records: records(1) }), opts);
    expect(errorName(() => batchesToProduceRecords([{ ...control, isControl: true }], 0))).toBe('INVALID_RECORD');
  });
});

describe('stored records to fetch batches', () => {
  it('one batch from the first offset, byte-exact keys, values and headers, gaps kept', async () => {
    const rows = stored(50, 3);
    const { bytes, count } = encodeFetchBatches(rows, { maxBytes: 1 << 20 });
    expect(count).toBe(50);
    const [batch] = decodeRecordBatches(bytes, opts);
    expect(batch.baseOffset).toBe(100);
    expect([batch.producerId, batch.producerEpoch, batch.baseSequence]).toEqual([-1, -1, -1]);
    batch.records.forEach((r, i) => {
      expect(r.offset).toBe(rows[i].offset);
      expect(r.timestamp).toBe(rows[i].timestamp);
      expect(r.key).toEqual(rows[i].key);
      expect(r.value).toEqual(rows[i].value);
      expect(r.headers).toEqual(asBuffers(decodeHeaders(rows[i].headers)));
    });
    const k = await kafkajsDecode(bytes);
    expect(k.records.map((r) => Number(r.offset))).toEqual(rows.map((r) => r.offset));
  });

  it('respects the byte budget but always includes the first record', () => {
    const rows = stored(100);
    const whole = encodeFetchBatches(rows, { maxBytes: 1 << 20 }).bytes.length;
    expect(encodeFetchBatches(rows, { maxBytes: 1 }).count).toBe(1);
    for (const maxBytes of [200, 1000, Math.floor(whole / 2), whole - 1, whole]) {
      const { bytes, count } = encodeFetchBatches(rows, { maxBytes });
      expect(bytes.length).toBeLessThanOrEqual(maxBytes);
      expect(count).toBeLessThanOrEqual(100);
      // The next record would not have fit.
      if (count < 100) expect(encodeFetchBatches(rows.slice(0, count + 1), { maxBytes: 1 << 20 }).bytes.length).toBeGreaterThan(maxBytes);
      expect(decodeRecordBatches(bytes, opts)[0].recordCount).toBe(count);
    }
    expect(encodeFetchBatches([], { maxBytes: 100 })).toEqual({ bytes: Buffer.alloc(0), count: 0 });
  });
});

describe.each(testBackends())('a Kafka batch through the engine and back on %s', (backend) => {
  let broker: Broker;
  testBroker(backend, (env) => {
    broker = env.broker;
  });

  it('produced records are fetched byte for byte, with the produced offsets', async () => {
    const topic = uniqueName('kafka-records');
    await broker.createTopic({ name: topic, partitions: 2 });
    const sent = records(40);
    for (const compression of ['none', 'lz4'] as const) {
      const batches = decodeRecordBatches(encodeRecordBatch({ baseOffset: 0, records: sent, compression }), opts);
      const results = await broker.produce(topic, batchesToProduceRecords(batches, 1));
      expect(results.map((r) => r.partition)).toEqual(sent.map(() => 1));
    }
    const fetched = await broker.fetch({ topic, partition: 1, offset: 3, maxRecords: 1000 });
    const { bytes, count } = encodeFetchBatches(fetched.records, { maxBytes: 1 << 20 });
    expect(count).toBe(77);
    const [batch] = decodeRecordBatches(bytes, opts);
    expect(batch.baseOffset).toBe(3);
    batch.records.forEach((r, i) => {
      const want = sent[(3 + i) % 40];
      expect(r.offset).toBe(3 + i);
      expect(r.timestamp).toBe(want.timestamp);
      expect(r.key).toEqual(want.key);
      expect(r.value).toEqual(want.value);
      expect(r.headers).toEqual(want.headers);
    });
    const k = await kafkajsDecode(bytes);
    expect(k.records[1].headers).toEqual({});
    expect(k.records[0].headers).toEqual({ bin: [Buffer.from([0xff, 0x00, 0xc3]), b('again')], null: null, empty: Buffer.alloc(0) });
  });
});

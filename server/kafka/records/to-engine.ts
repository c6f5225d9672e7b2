import { BrokerError } from '@/server/broker/errors';
import type { StoredRecord } from '@/server/broker/log/read';
import { varintSize, varlongSize } from '@/server/broker/log/varint';
import type { ProduceRecord } from '@/server/broker/produce';
import type { RecordBatch } from './record-batch';
import { RECORDS_OFFSET } from './record-batch';
import { encodeRawRecordBatch, type RawEncodeRecord } from './record-batch-encode';

/** Kafka's RecordBatch.NO_TIMESTAMP: the producer set none, so the broker's clock stamps the record. */
const NO_TIMESTAMP = -1;

/**
 * A produce request's batches for one partition as the engine's records, in order. Refuses what
 * Kafka's LogValidator refuses from a client: control batches and offsets that are not 0..n-1 (the
 * broker assigns offsets, the producer only numbers its records). Idempotence (producer id, epoch,
 * sequence) is the caller's: read it from the batches.
 */
export function batchesToProduceRecords(batches: readonly RecordBatch[], partition: number): ProduceRecord[] {
  const out: ProduceRecord[] = [];
  for (const batch of batches) {
    if (batch.isControl) throw new BrokerError('INVALID_RECORD', 'A producer may not send control batches.');
    if (batch.recordCount > 0 && batch.lastOffsetDelta !== batch.recordCount - 1) {
      throw new BrokerError(
        'INVALID_RECORD',
        `The batch's last offset delta ${batch.lastOffsetDelta} does not match its ${batch.recordCount} records.`,
      );
    }
    batch.records.forEach((r, i) => {
      if (r.offsetDelta !== i) throw new BrokerError('INVALID_RECORD', `Record ${i} of a batch has offset delta ${r.offsetDelta}.`);
      // Under LogAppendTime the broker stamps the records anyway.
      const timestamp = batch.timestampType === 'LogAppendTime' || r.timestamp === NO_TIMESTAMP ? undefined : r.timestamp;
      out.push({ key: r.key, value: r.value, headers: r.headers, partition, timestamp });
    });
  }
  return out;
}

export interface FetchBatchOptions {
  /** Byte budget for the batch; the first record is always included so a consumer makes progress. */
  maxBytes: number;
}

/**
 * Stored records (consecutive offsets of one partition, possibly with compaction gaps) as one
 * uncompressed batch whose base offset is the first record's; producer fields are -1. Headers are
 * copied in their stored encoding (Kafka's), so keys, values and headers round-trip byte for byte.
 * Returns the bytes and how many records they hold (fewer than given when the budget cut them).
 */
export function encodeFetchBatches(records: readonly StoredRecord[], opts: FetchBatchOptions): { bytes: Buffer; count: number } {
  if (records.length === 0) return { bytes: Buffer.alloc(0), count: 0 };
  const base = records[0];
  const batch: RawEncodeRecord[] = [];
  let size = RECORDS_OFFSET;
  for (const r of records) {
    const body =
      1 +
      varlongSize(r.timestamp - base.timestamp) +
      varintSize(r.offset - base.offset) +
      (r.key ? varintSize(r.key.length) + r.key.length : 1) +
      (r.value ? varintSize(r.value.length) + r.value.length : 1) +
      (r.headers?.length || 1);
    size += varintSize(body) + body;
    if (batch.length > 0 && size > opts.maxBytes) break;
    batch.push({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headerBytes: r.headers });
  }
  return { bytes: encodeRawRecordBatch({ baseOffset: base.offset, records: batch }), count: batch.length };
}

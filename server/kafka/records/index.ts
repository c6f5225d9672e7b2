/** The record-batch layer the Kafka Produce and Fetch handlers call (see each module for details). */
export { type Compression, compress, decompress } from './compression';
export { type DecodedRecord, type DecodeOptions, decodeRecordBatches, type RecordBatch, type TimestampType } from './record-batch';
export { type EncodeBatchOptions, type EncodeRecord, encodeRecordBatch } from './record-batch-encode';
export { batchesToProduceRecords, encodeFetchBatches, type FetchBatchOptions } from './to-engine';

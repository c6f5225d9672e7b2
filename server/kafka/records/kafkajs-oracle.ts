import { createRequire } from 'node:module';
import { compressFrame, decompressFrame } from 'lz4-napi';

/**
 * Test support: kafkajs 2.2.4's record-batch encoder and decoder as an oracle for golden bytes, with
 * kafkajs-snappy and an lz4-napi codec registered as a kafkajs user would (kafkajs ships only gzip).
 */
const require = createRequire(import.meta.url);
const compression = require('kafkajs/src/protocol/message/compression');
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder');
const Decoder = require('kafkajs/src/protocol/decoder');
const Encoder = require('kafkajs/src/protocol/encoder');
const SnappyCodec = require('kafkajs-snappy');

compression.Codecs[compression.Types.Snappy] = SnappyCodec;
compression.Codecs[compression.Types.LZ4] = () => ({
  compress: async (encoder: { buffer: Buffer }) => compressFrame(encoder.buffer),
  decompress: async (buffer: Buffer) => decompressFrame(buffer),
});

export const KAFKAJS_CODEC = { none: 0, gzip: 1, snappy: 2, lz4: 3 } as const;

export interface KafkajsMessage {
  key: Buffer | null;
  value: Buffer | null;
  /** kafkajs headers: an object; an array value repeats the key. */
  headers?: Record<string, Buffer | Buffer[]>;
  timestamp: number;
}

/** One batch as kafkajs's Produce v3+ writes it (offset deltas 0..n-1, base offset 0). */
export async function kafkajsBatch(messages: KafkajsMessage[], codec: keyof typeof KAFKAJS_CODEC): Promise<Buffer> {
  const firstTimestamp = messages[0].timestamp;
  const records = messages.map((m, i) =>
    Record({ key: m.key, value: m.value, headers: m.headers, offsetDelta: i, timestampDelta: m.timestamp - firstTimestamp }),
  );
  const batch = await RecordBatch({
    compression: KAFKAJS_CODEC[codec],
    records,
    firstTimestamp,
    maxTimestamp: Math.max(...messages.map((m) => m.timestamp)),
    producerId: -1,
    producerEpoch: 0,
    firstSequence: 0,
    lastOffsetDelta: records.length - 1,
  });
  return batch.buffer;
}

export interface KafkajsDecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
}

/** Decodes one batch with kafkajs's fetch-side decoder. */
export async function kafkajsDecode(
  batch: Buffer,
): Promise<{ firstOffset: string; records: KafkajsDecodedRecord[] } & Record<string, unknown>> {
  return decodeBatch(new Decoder(batch));
}

/** kafkajs's varint/varlong encoders, for the varint oracle. */
export const kafkajsVarint = (n: number): Buffer => new Encoder().writeVarInt(n).buffer;
export const kafkajsVarlong = (n: number): Buffer => {
  const Long = require('kafkajs/src/utils/long');
  return new Encoder().writeVarLong(Long.fromNumber(n)).buffer;
};

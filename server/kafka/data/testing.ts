// Test helpers for the Kafka data plane: reading a topic back through raw Fetch, kafkajs's extra codecs.

import { CompressionCodecs, CompressionTypes } from 'kafkajs';
// @ts-expect-error kafkajs-snappy ships no types
import SnappyCodec from 'kafkajs-snappy';
import type { RecordHeader } from '@/server/broker';
import type { fetch } from '../protocol';
import { compress, decodeRecordBatches, decompress } from '../records';
import type { KafkaTestClient } from '../test-client';

/** Snappy through kafkajs-snappy; LZ4 (kafkajs has none) as frame-format LZ4 through Brook's own codec (lz4-napi). */
export function registerKafkajsCodecs(): void {
  CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: async (encoder: { buffer: Buffer }) => compress('lz4', encoder.buffer),
    decompress: async (buffer: Buffer) => decompress('lz4', buffer, 1 << 30),
  });
}

const FETCH = 1;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export interface ReadRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

/** Every record of `partitions` from offset 0 up to the high watermark, through raw Fetch v11. */
export async function readAllWithFetch(client: KafkaTestClient, topic: string, partitions: number): Promise<ReadRecord[]> {
  const out: ReadRecord[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    let offset = 0;
    for (;;) {
      const res = await client.request<fetch.FetchResponse>(FETCH, 11, {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1n },
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 8 << 20,
        isolationLevel: 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            topicId: ZERO_UUID,
            partitions: [
              {
                partition,
                currentLeaderEpoch: -1,
                fetchOffset: BigInt(offset),
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: 4 << 20,
                replicaDirectoryId: ZERO_UUID,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      });
      const p = res.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}@${offset}: error ${p.errorCode}`);
      for (const batch of decodeRecordBatches(p.records ?? Buffer.alloc(0), { maxUncompressedBytes: 1 << 30 })) {
        for (const r of batch.records) {
          out.push({
            partition,
            offset: r.offset,
            timestamp: r.timestamp,
            key: r.key,
            value: r.value,
            headers: r.headers.map(asBufferHeader),
          });
          offset = r.offset + 1;
        }
      }
      if (offset >= Number(p.highWatermark)) break;
    }
  }
  return out;
}

const asBufferHeader = (h: RecordHeader) => ({
  key: h.key,
  value: h.value ? Buffer.from(h.value.buffer, h.value.byteOffset, h.value.byteLength) : null,
});

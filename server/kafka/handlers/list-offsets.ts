import type { OffsetSpec } from '@/server/broker';
import { listOffsets } from '../protocol';
import { errorCodeOf, kafkaCode } from './errors';
import { defineHandler, type KafkaContext } from './types';

type Req = listOffsets.ListOffsetsRequest;
type Res = listOffsets.ListOffsetsResponse;
type PartitionRes = listOffsets.ListOffsetsPartitionResponse;

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;

/**
 * ListOffsets 0-7: latest (-1) is the high watermark (= last stable offset: Brook has no transactions, so
 * both isolation levels agree), earliest (-2) the log start, a timestamp the first offset at or after it
 * (-1/-1 when none is), max timestamp (-3, v7) the record with the largest timestamp. Leader epochs are
 * unknown (-1), as in the batches Fetch returns. v0 answers its old list form with the one offset.
 */
export const listOffsetsHandler = defineHandler<Req, Res>({
  name: 'ListOffsets',
  apiKey: 2,
  minVersion: 0,
  maxVersion: 7,
  decode: listOffsets.decodeListOffsetsRequest,
  encode: listOffsets.encodeListOffsetsResponse,
  async handle(req, ctx) {
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(t.partitions.map((p) => offsetOf(t.name, p, ctx))),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
  /** A database outage: retried by every client (librdkafka resets the offset on 3 and -1, kafkajs rejoins on 3, 5 and 6). */
  outage: 'KAFKA_STORAGE_ERROR',
  errorResponse: (req, errorCode, ctx) => ({
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => answer(p.partitionIndex, errorCode, null, ctx.apiVersion)),
    })),
  }),
});

async function offsetOf(topic: string, p: listOffsets.ListOffsetsPartition, ctx: KafkaContext): Promise<PartitionRes> {
  // Below -3 are v8+ specs (local log start, tiered storage): not in the versions served.
  if (p.timestamp < MAX_TIMESTAMP) return answer(p.partitionIndex, kafkaCode('UNSUPPORTED_VERSION'), null, ctx.apiVersion);
  const spec: OffsetSpec =
    p.timestamp === LATEST
      ? 'latest'
      : p.timestamp === EARLIEST
        ? 'earliest'
        : p.timestamp === MAX_TIMESTAMP
          ? 'maxTimestamp'
          : { timestamp: Number(p.timestamp) };
  try {
    const r = await ctx.broker.listOffsets(topic, p.partitionIndex, spec);
    return answer(p.partitionIndex, 0, { offset: r.offset ?? -1, timestamp: r.timestamp ?? -1 }, ctx.apiVersion);
  } catch (err) {
    return answer(p.partitionIndex, errorCodeOf(err, 'KAFKA_STORAGE_ERROR'), null, ctx.apiVersion);
  }
}

function answer(
  partitionIndex: number,
  errorCode: number,
  found: { offset: number; timestamp: number } | null,
  version: number,
): PartitionRes {
  const offset = BigInt(found?.offset ?? -1);
  if (version === 0) return { partitionIndex, errorCode, oldStyleOffsets: found && found.offset >= 0 ? [offset] : [] };
  return { partitionIndex, errorCode, timestamp: BigInt(found?.timestamp ?? -1), offset, leaderEpoch: -1 };
}

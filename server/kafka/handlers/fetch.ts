import { FETCH_LIMITS, type PartitionFetch } from '@/server/broker';
import { fetch } from '../protocol';
import { encodeFetchBatches } from '../records';
import { isOutage, kafkaCode } from './errors';
import { defineHandler, type KafkaContext } from './types';

type Req = fetch.FetchRequest;
type Res = fetch.FetchResponse;
type PartitionRes = fetch.PartitionData;

/** Kafka's fetch.max.bytes: the most one Fetch answers, whatever the request's max_bytes says. */
const FETCH_MAX_BYTES = 55 * 1024 * 1024;

interface Wanted {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
}

/** `idle`: the database is away; the partition is answered as one with nothing new past the fetch offset. */
type Outcome = PartitionFetch | { idle: true };

/**
 * Fetch 4-12, a thin adapter over the engine's fetch: all partitions in one read with the request's
 * limits (each partition's `partition_max_bytes`, the whole `max_bytes`, capped at fetch.max.bytes),
 * long-polled until `min_bytes` or `max_wait_ms` (on the broker's clock), or until the connection or
 * listener closes (`ctx.signal`). Records come back as one uncompressed batch per partition; the first
 * partition with records always gets at least one whole record so a consumer progresses.
 *
 * No fetch sessions (KIP-227): a full fetch is answered with session id 0, which tells the client none was
 * created, so it keeps sending full fetches; an incremental fetch of a session id (never handed out, or
 * from another broker) is FETCH_SESSION_ID_NOT_FOUND, on which clients start over with a full fetch.
 * No transactions: last stable offset = high watermark, aborted transactions an empty list. While the
 * database is away the partitions answer as idle (see read).
 */
export const fetchHandler = defineHandler<Req, Res>({
  name: 'Fetch',
  apiKey: 1,
  minVersion: 4,
  maxVersion: 12,
  decode: fetch.decodeFetchRequest,
  encode: fetch.encodeFetchResponse,
  async handle(req, ctx) {
    if (req.sessionId !== 0) return { throttleTimeMs: 0, errorCode: kafkaCode('FETCH_SESSION_ID_NOT_FOUND'), sessionId: 0, responses: [] };
    const wanted: Wanted[] = req.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.topic,
        partition: p.partition,
        offset: Number(p.fetchOffset),
        maxBytes: Math.min(Math.max(p.partitionMaxBytes, 1), FETCH_LIMITS.maxBytes),
      })),
    );
    const outcomes = await read(req, wanted, ctx);
    return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: encodeResponses(req, wanted, outcomes) };
  },
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    errorCode,
    sessionId: 0,
    responses: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => failedPartition(p.partition, errorCode)) })),
  }),
});

async function read(req: Req, wanted: readonly Wanted[], ctx: KafkaContext): Promise<Outcome[]> {
  if (wanted.length === 0) return [];
  try {
    return await ctx.broker.fetchMany({
      partitions: wanted,
      maxRecords: FETCH_LIMITS.maxRecords,
      maxBytes: Math.min(Math.max(req.maxBytes, 1), FETCH_MAX_BYTES),
      minBytes: Math.min(Math.max(req.minBytes, 0), FETCH_LIMITS.maxBytes),
      maxWaitMs: Math.min(Math.max(req.maxWaitMs, 0), FETCH_LIMITS.maxWaitMs),
      isolationLevel: req.isolationLevel === 1 ? 'read_committed' : 'read_uncommitted',
      signal: ctx.signal,
    });
  } catch (err) {
    // Every error code here costs some client its partitions or its process (kafkajs rejoins on 5 and 6
    // and restarts after five 56s; Java throws on 5 and 7): while the database is away, and after the
    // read was held as long as reads are, the partitions answer as ones with nothing new.
    if (isOutage(err)) return wanted.map(() => ({ idle: true }));
    throw err;
  }
}

function encodeResponses(req: Req, wanted: readonly Wanted[], outcomes: readonly Outcome[]): fetch.FetchableTopicResponse[] {
  let budget = Math.min(Math.max(req.maxBytes, 0), FETCH_MAX_BYTES);
  let first = true;
  let i = 0;
  return req.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((): PartitionRes => {
      const w = wanted[i];
      const o = outcomes[i++];
      if ('error' in o) return failedPartition(w.partition, o.error.kafkaCode);
      if ('idle' in o) return { ...failedPartition(w.partition, 0), highWatermark: BigInt(w.offset), lastStableOffset: BigInt(w.offset) };
      const { records, highWatermark, logStartOffset } = o.ok;
      let bytes: Buffer = Buffer.alloc(0);
      // The first partition with records gets one whole record even above both limits; the others stop at the budget.
      if (records.length > 0 && (first || budget > 0)) {
        bytes = encodeFetchBatches(records, { maxBytes: Math.min(w.maxBytes, budget) }).bytes;
        if (!first && bytes.length > budget) bytes = Buffer.alloc(0);
        if (bytes.length > 0) first = false;
        budget -= bytes.length;
      }
      return {
        partitionIndex: w.partition,
        errorCode: 0,
        highWatermark: BigInt(highWatermark),
        lastStableOffset: BigInt(highWatermark),
        logStartOffset: BigInt(logStartOffset),
        abortedTransactions: [],
        preferredReadReplica: -1,
        records: bytes,
      };
    }),
  }));
}

function failedPartition(partitionIndex: number, errorCode: number): PartitionRes {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: [],
    preferredReadReplica: -1,
    // librdkafka rejects the whole response on a null record set (protocol/index.ts).
    records: Buffer.alloc(0),
  };
}

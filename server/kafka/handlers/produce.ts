import { BrokerError, MAX_REQUEST_BYTES, type ProduceRecord, type ProducerFields } from '@/server/broker';
import { asBrokerError } from '@/server/broker/errors';
import { KafkaProtocolError, produce } from '../protocol';
import { batchesToProduceRecords, decodeRecordBatches } from '../records';
import { ProduceOutages } from './produce-outage';
import { defineHandler, type KafkaContext } from './types';

type Req = produce.ProduceRequest;
type Res = produce.ProduceResponse;
type PartitionRes = produce.PartitionProduceResponse;

/** Decompressed records of one Produce request, all partitions together, may not exceed what one engine produce accepts. */
const MAX_UNCOMPRESSED_BYTES = MAX_REQUEST_BYTES;
const NO_PRODUCER_ID = -1;

/**
 * Produce 3-9 (record batch v2). Each partition's batch is checked as Kafka's ProduceRequest.validateRecords
 * does (exactly one batch, magic 2, CRC-32C, zstd only from v7), decoded, and appended through the same
 * engine call as an HTTP produce (its coalescing, limits and max.message.bytes); partitions are appended
 * concurrently and answered each with its own error. A batch with a producer id is an idempotent
 * producer's: the engine answers a retried batch with its original offsets and a gap with
 * OUT_OF_ORDER_SEQUENCE_NUMBER. Brook has no transactions: transactional produces are refused. A failure
 * because the database is away is answered as ProduceOutages says (produce-outage.ts).
 *
 * acks=0 gets no answer; if any partition failed the connection is closed instead, which is how Kafka tells
 * such a producer (it cannot be told otherwise). log_append_time is -1 (create time is kept; under
 * LogAppendTime the engine stamps), log_start_offset -1 (not read on this path; clients only use it with
 * UNKNOWN_PRODUCER_ID, which Brook never returns).
 */
export const produceHandler = defineHandler<Req, Res>({
  name: 'Produce',
  apiKey: 0,
  minVersion: 3,
  maxVersion: 9,
  decode: produce.decodeProduceRequest,
  encode: produce.encodeProduceResponse,
  handle(req, ctx) {
    // Kafka handles a connection's requests one at a time. Brook runs them concurrently (answers still go
    // out in order), so a connection's Produce requests are chained: request N+1 joins the partitions'
    // append queues only once N has joined them (or failed), and records a client pipelines on one
    // connection keep their order in each partition, while their appends may share one transaction.
    const previous = produceChains.get(ctx.conn) ?? Promise.resolve();
    let queued = () => {};
    produceChains.set(ctx.conn, new Promise<void>((resolve) => (queued = resolve)));
    return previous.then(() => produceAll(req, ctx, queued)).finally(queued);
  },
  errorResponse: (req, errorCode) => ({
    responses: req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode, baseOffset: -1n })),
    })),
    throttleTimeMs: 0,
  }),
});

/** Per connection, when its last Produce request has taken its place in the append order (collected with the connection). */
const produceChains = new WeakMap<object, Promise<void>>();

async function produceAll(req: Req, ctx: KafkaContext, queued: () => void): Promise<Res | null> {
  const refusal = requestRefusal(req);
  // Every partition is decoded before any is appended, in turn and from one decompression budget for the
  // whole request: N partitions (or one listed N times) cannot take N times the memory.
  const budget = { left: MAX_UNCOMPRESSED_BYTES };
  const seen = new Set<string>();
  const decoded = req.topicData.map((t) => ({
    name: t.name,
    partitions: t.partitionData.map((p): Decoded => {
      if (refusal) return { index: p.index, error: refusal };
      const key = `${t.name}\u0000${p.index}`;
      if (seen.has(key))
        return { index: p.index, error: new BrokerError('INVALID_REQUEST', `Partition ${p.index} of ${t.name} is listed twice.`) };
      seen.add(key);
      try {
        return { index: p.index, ...decodePartition(p, budget, ctx) };
      } catch (err) {
        const known = asBrokerError(err);
        if (!known) throw err;
        return { index: p.index, error: known };
      }
    }),
  }));
  // The request has its place in every partition's order once each append is queued (or has failed).
  let waiting = decoded.reduce((n, t) => n + t.partitions.filter((p) => !('error' in p)).length, 0);
  if (waiting === 0) queued();
  const placed = () => {
    if (--waiting === 0) queued();
  };
  const responses = await Promise.all(
    decoded.map(async (t) => ({
      name: t.name,
      partitionResponses: await Promise.all(
        t.partitions.map((p) => ('error' in p ? failed(p.index, p.error) : appendPartition(t.name, p, ctx, once(placed)))),
      ),
    })),
  );
  if (req.acks === 0) {
    const failure = responses.flatMap((t) => t.partitionResponses).find((p) => p.errorCode !== 0);
    if (failure) throw new KafkaProtocolError(`Produce with acks=0 failed (error ${failure.errorCode}: ${failure.errorMessage})`);
    return null;
  }
  return { responses, throttleTimeMs: 0 };
}

type Decoded = { index: number; error: BrokerError } | { index: number; records: ProduceRecord[]; producer: ProducerFields | undefined };

function requestRefusal(req: Req): BrokerError | null {
  if (req.acks !== 0 && req.acks !== 1 && req.acks !== -1) {
    return new BrokerError('INVALID_REQUIRED_ACKS', `acks must be 0, 1 or -1; got ${req.acks}.`);
  }
  if (req.transactionalId !== null) {
    return new BrokerError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'Brook does not support transactions.');
  }
  return null;
}

function decodePartition(p: produce.PartitionProduceData, budget: { left: number }, ctx: KafkaContext) {
  const batches = decodeRecordBatches(p.records ?? Buffer.alloc(0), { maxUncompressedBytes: MAX_UNCOMPRESSED_BYTES, budget });
  if (batches.length !== 1) {
    throw new BrokerError('INVALID_RECORD', `Produce v3+ carries exactly one record batch per partition; got ${batches.length}.`);
  }
  const [batch] = batches;
  if (batch.compression === 'zstd' && ctx.apiVersion < 7) {
    throw new BrokerError('UNSUPPORTED_COMPRESSION_TYPE', `zstd needs Produce v7 or later; this request is v${ctx.apiVersion}.`);
  }
  if (batch.isTransactional) throw new BrokerError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'Brook does not support transactions.');
  const records = batchesToProduceRecords(batches, p.index);
  const producer: ProducerFields | undefined =
    batch.producerId === NO_PRODUCER_ID
      ? undefined
      : { producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence };
  return { records, producer };
}

async function appendPartition(
  topic: string,
  p: { index: number; records: ProduceRecord[]; producer: ProducerFields | undefined },
  ctx: KafkaContext,
  placed: () => void,
): Promise<PartitionRes> {
  const outages = outagesOf(ctx.broker);
  const producerId = p.producer?.producerId ?? null;
  try {
    const results = await ctx.broker.produce(topic, p.records, p.producer, placed);
    placed();
    outages.written(topic, p.index, producerId);
    return { index: p.index, errorCode: 0, baseOffset: BigInt(results[0].offset), logAppendTimeMs: -1n, logStartOffset: -1n };
  } catch (err) {
    placed();
    const answer = outages.answer(err, topic, p.index, producerId);
    if (!answer) throw err;
    return failed(p.index, answer);
  }
}

/** One per engine (a process serves one; tests make several). */
const outagesByBroker = new WeakMap<object, ProduceOutages>();
function outagesOf(broker: KafkaContext['broker']): ProduceOutages {
  let o = outagesByBroker.get(broker);
  if (!o) {
    o = new ProduceOutages(broker.now);
    outagesByBroker.set(broker, o);
  }
  return o;
}

/** `fn` at most once, however often the result is called. */
function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

function failed(index: number, err: BrokerError): PartitionRes {
  return { index, errorCode: err.kafkaCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage: err.message };
}

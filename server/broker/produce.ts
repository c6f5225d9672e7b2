import { BrokerError, isBrokerError } from './errors';
import type { KeyedOutcome, KeyedRequest } from './idempotency/append-keyed';
import { checkIdempotencyKey, fromRuns, requestHash, toRuns } from './idempotency/request';
import { must } from './invariant';
import type { AppendBatch, AppendResult } from './log/append';
import { encodeHeaders, type PreparedRecord, type RecordHeader, recordBytes } from './log/record-codec';
import { segmentCapacity } from './log/segments';
import { partitionForKey, type StickyPartitioner } from './partitioner';
import { type ProducerFields, validProducerFields } from './producers/sequence';
import { type TopicMetadata, type TopicMetadataCache, unknownPartition } from './topics/metadata';

export interface ProduceRecord {
  key?: Uint8Array | null;
  /** null is a tombstone (on a compacted topic it deletes the key). */
  value: Uint8Array | null;
  headers?: RecordHeader[];
  partition?: number;
  /** ms since epoch; defaults to the broker's clock. */
  timestamp?: number;
}

export interface ProduceResult {
  partition: number;
  offset: number;
}

export interface ProduceDeps {
  topics: TopicMetadataCache;
  sticky: StickyPartitioner;
  append: (batches: readonly AppendBatch[], queued?: () => void) => Promise<AppendResult[]>;
  /** A request with an idempotency key (see idempotency/append-keyed.ts). */
  appendKeyed: (request: KeyedRequest) => Promise<KeyedOutcome>;
  /** Called after commit for each partition appended to (wakes local long-polls at once). */
  appended: (partitionId: number, highWatermark: number) => void;
  now: () => number;
}

export const MAX_RECORDS_PER_REQUEST = 100_000;
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/**
 * Appends `records` to `topic` and returns each record's partition and offset, once committed.
 * Validation happens before anything is written; the whole request is one transaction.
 *
 * With `producer` (an idempotent producer's record batch, as Kafka's Produce carries it), the records
 * are one batch for one partition, named on every record: the batch is checked against the producer's
 * state on that partition; a retry of one of its last 5 batches returns the offsets it was written at
 * and writes nothing; a stale epoch fails with INVALID_PRODUCER_EPOCH, a gap with
 * OUT_OF_ORDER_SEQUENCE_NUMBER (see producers/sequence.ts).
 *
 * `queued` is told once the records' place in their partition's order is fixed (the append queue's
 * order), so a caller that must keep several requests in order (a Kafka connection) can start the next
 * one without waiting for this one's commit. It may not be called if the request fails first.
 *
 * With `idempotencyKey` (records.produce over HTTP), the key, a hash of the request and its result are
 * stored in the transaction that writes the records: a retry with the same key and the same request
 * within the window answers the first result and writes nothing; the same key with another request
 * fails with DUPLICATE_RESOURCE. Keys are per topic.
 */
export async function produce(
  deps: ProduceDeps,
  topic: string,
  records: readonly ProduceRecord[],
  producer?: ProducerFields,
  queued?: () => void,
  idempotencyKey?: string,
): Promise<ProduceResult[]> {
  if (records.length === 0) throw new BrokerError('INVALID_REQUEST', 'A produce request needs at least one record.');
  if (records.length > MAX_RECORDS_PER_REQUEST) {
    throw new BrokerError('INVALID_REQUEST', `At most ${MAX_RECORDS_PER_REQUEST} records per produce request (got ${records.length}).`);
  }
  if (producer) checkProducerBatch(records, producer);
  let keyed: Keyed | undefined;
  if (idempotencyKey !== undefined) {
    if (producer) throw new BrokerError('INVALID_REQUEST', "An idempotent producer's batch carries no idempotency key.");
    checkIdempotencyKey(idempotencyKey);
    keyed = { key: idempotencyKey, hash: requestHash(topic, records) };
  }
  let meta = await deps.topics.get(topic);
  try {
    return await produceWith(deps, meta, records, producer, queued, keyed);
  } catch (err) {
    // A topic deleted (or re-created) by another process since we cached it: retry once, fresh.
    if (!isBrokerError(err, 'UNKNOWN_TOPIC_OR_PARTITION')) throw err;
    meta = await deps.topics.refresh(topic);
    return produceWith(deps, meta, records, producer, queued, keyed);
  }
}

interface Keyed {
  key: string;
  hash: string;
}

function checkProducerBatch(records: readonly ProduceRecord[], producer: ProducerFields): void {
  if (!validProducerFields(producer)) {
    throw new BrokerError(
      'INVALID_REQUEST',
      `Producer fields out of range: producer id ${producer.producerId}, epoch ${producer.producerEpoch}, base sequence ${producer.baseSequence}.`,
    );
  }
  const partition = records[0].partition;
  if (partition === undefined || partition === null || records.some((r) => r.partition !== partition)) {
    throw new BrokerError('INVALID_REQUEST', "An idempotent producer's batch goes to one partition, named on every record.");
  }
}

async function produceWith(
  deps: ProduceDeps,
  meta: TopicMetadata,
  records: readonly ProduceRecord[],
  producer: ProducerFields | undefined,
  queued: (() => void) | undefined,
  keyed: Keyed | undefined,
): Promise<ProduceResult[]> {
  const highestExplicit = records.reduce((max, r) => Math.max(max, r.partition ?? -1), -1);
  if (highestExplicit >= meta.partitionIds.length) {
    // Another process may have added partitions since we cached the topic.
    meta = await deps.topics.refresh(meta.name);
  }
  const now = deps.now();
  const { config } = meta;
  const numPartitions = meta.partitionIds.length;
  const byPartition = new Map<number, { records: PreparedRecord[]; bytes: number }>();
  const placement: Array<{ partition: number; index: number }> = [];
  let requestBytes = 0;

  for (const [i, r] of records.entries()) {
    const prepared: PreparedRecord = {
      key: r.key ?? null,
      value: r.value,
      headers: encodeHeaders(r.headers ?? []),
      timestamp: config.timestampType === 'LogAppendTime' ? now : checkTimestamp(r.timestamp, now, i),
    };
    if (prepared.key === null && config.cleanupPolicy.compact) {
      throw new BrokerError(
        'INVALID_RECORD',
        `Record ${i} has no key: topic "${meta.name}" is compacted (cleanup.policy=compact), so every record needs one.`,
      );
    }
    const size = recordBytes(prepared);
    if (size > config.maxMessageBytes) {
      throw new BrokerError(
        'MESSAGE_TOO_LARGE',
        `Record ${i} is ${size} bytes, larger than max.message.bytes (${config.maxMessageBytes}) of topic "${meta.name}". Nothing was written.`,
      );
    }
    requestBytes += size;
    if (requestBytes > MAX_REQUEST_BYTES) {
      throw new BrokerError('INVALID_REQUEST', `A produce request may carry at most ${MAX_REQUEST_BYTES} bytes of records.`);
    }
    let partition: number;
    if (r.partition !== undefined && r.partition !== null) {
      partition = r.partition;
      if (!Number.isInteger(partition) || partition < 0 || partition >= numPartitions) throw unknownPartition(meta, partition);
    } else if (prepared.key !== null) {
      partition = partitionForKey(prepared.key, numPartitions);
    } else {
      partition = deps.sticky.next(meta.name, numPartitions, size);
    }
    let group = byPartition.get(partition);
    if (!group) {
      group = { records: [], bytes: 0 };
      byPartition.set(partition, group);
    }
    placement.push({ partition, index: group.records.length });
    group.records.push(prepared);
    group.bytes += size;
  }

  const batches: AppendBatch[] = [...byPartition].map(([partition, g]) => ({
    partitionId: meta.partitionIds[partition],
    records: g.records,
    bytes: g.bytes,
    segmentCapacity: segmentCapacity(config, g.bytes / g.records.length),
    producer,
  }));
  if (keyed) {
    const outcome = await deps.appendKeyed({
      claim: { topicId: meta.id, key: keyed.key, hash: keyed.hash },
      batches,
      result: (bases) =>
        toRuns(
          placement.map(({ partition, index }) => ({
            partition,
            offset: must(bases.get(meta.partitionIds[partition]), 'a base offset for every batch') + index,
          })),
        ),
    });
    if (outcome.kind === 'refused') throw outcome.error;
    if (outcome.kind === 'written') for (const r of outcome.appended) deps.appended(r.partitionId, r.highWatermark);
    return fromRuns(outcome.runs);
  }
  const results = await deps.append(batches, queued);
  for (const r of results) if (r.error) throw r.error;
  const baseById = new Map(results.map((r) => [r.partitionId, r.baseOffset]));
  for (const r of results) deps.appended(r.partitionId, r.highWatermark);
  return placement.map(({ partition, index }) => ({
    partition,
    offset: must(baseById.get(meta.partitionIds[partition]), 'append returns a result for every batch') + index,
  }));
}

function checkTimestamp(ts: number | undefined, now: number, index: number): number {
  if (ts === undefined || ts === null) return now;
  if (!Number.isSafeInteger(ts) || ts < 0) {
    throw new BrokerError('INVALID_TIMESTAMP', `Record ${index} has timestamp ${ts}; it must be a non-negative integer (ms since epoch).`);
  }
  return ts;
}

import type { Queryable } from '@/db/client';
import { BrokerError } from './errors';
import { offsetOfMaxTimestamp } from './log/max-timestamp';
import { offsetForTimestamp, type RecordForm, type RecordOf, readLog, readWatermarks, storedSize } from './log/read';
import { type TopicMetadata, type TopicMetadataCache, unknownPartition } from './topics/metadata';
import type { Wakeup } from './wakeup';

export interface FetchRequest<F extends RecordForm = 'bytes'> {
  topic: string;
  partition: number;
  offset: number;
  maxRecords?: number;
  maxBytes?: number;
  /** Long poll: wait up to this long for records past `offset` (0 returns at once). */
  maxWaitMs?: number;
  signal?: AbortSignal;
  /** Keys and values as bytes (the default), or as base64 text encoded by the database. */
  form?: F;
}

export interface FetchResult<F extends RecordForm = 'bytes'> {
  records: RecordOf<F>[];
  highWatermark: number;
  logStartOffset: number;
}

export interface FetchDeps {
  db: Queryable;
  topics: TopicMetadataCache;
  wakeup: Wakeup;
  now: () => number;
}

export const FETCH_LIMITS = { maxRecords: 10_000, maxBytes: 64 * 1024 * 1024, maxWaitMs: 30_000 } as const;
export const FETCH_DEFAULTS = { maxRecords: 500, maxBytes: 1024 * 1024, maxWaitMs: 0 } as const;

export async function resolvePartition(
  topics: TopicMetadataCache,
  topic: string,
  partition: number,
): Promise<{ meta: TopicMetadata; partitionId: number }> {
  let meta = await topics.get(topic);
  if (!Number.isInteger(partition) || partition < 0) throw unknownPartition(meta, partition);
  if (partition >= meta.partitionIds.length) meta = await topics.refresh(topic);
  if (partition >= meta.partitionIds.length) throw unknownPartition(meta, partition);
  return { meta, partitionId: meta.partitionIds[partition] };
}

export async function fetchRecords<F extends RecordForm = 'bytes'>(deps: FetchDeps, req: FetchRequest<F>): Promise<FetchResult<F>> {
  const maxRecords = req.maxRecords ?? FETCH_DEFAULTS.maxRecords;
  const maxBytes = req.maxBytes ?? FETCH_DEFAULTS.maxBytes;
  const maxWaitMs = req.maxWaitMs ?? FETCH_DEFAULTS.maxWaitMs;
  checkRange('maxRecords', maxRecords, 1, FETCH_LIMITS.maxRecords);
  checkRange('maxBytes', maxBytes, 1, FETCH_LIMITS.maxBytes);
  checkRange('maxWaitMs', maxWaitMs, 0, FETCH_LIMITS.maxWaitMs);
  if (!Number.isSafeInteger(req.offset) || req.offset < 0) {
    throw new BrokerError('OFFSET_OUT_OF_RANGE', `Fetch offset ${req.offset} is not a valid offset.`);
  }
  const { meta, partitionId } = await resolvePartition(deps.topics, req.topic, req.partition);
  const deadline = deps.now() + maxWaitMs;

  for (;;) {
    const slice = await readLog(deps.db, partitionId, req.offset, maxRecords, {
      dense: !meta.config.cleanupPolicy.compact,
      form: req.form,
    });
    if (!slice) {
      deps.topics.invalidate(req.topic);
      throw unknownPartition(meta, req.partition);
    }
    if (req.offset < slice.logStartOffset || req.offset > slice.highWatermark) {
      throw new BrokerError(
        'OFFSET_OUT_OF_RANGE',
        `Offset ${req.offset} is out of range for ${req.topic}-${req.partition}: valid offsets are ${slice.logStartOffset} to ${slice.highWatermark}.`,
      );
    }
    // One clock: the deadline and what remains of it are both read from `now`.
    const remainingMs = deadline - deps.now();
    if (slice.records.length > 0 || maxWaitMs === 0 || remainingMs <= 0 || req.signal?.aborted) {
      return { records: limitBytes(slice.records, maxBytes), highWatermark: slice.highWatermark, logStartOffset: slice.logStartOffset };
    }
    await deps.wakeup.waitFor(partitionId, Math.max(req.offset, slice.highWatermark), remainingMs, req.signal);
  }
}

/** Like Kafka, the first record is returned even if it alone is larger than maxBytes. */
function limitBytes<R extends RecordOf<RecordForm>>(records: R[], maxBytes: number): R[] {
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    total += storedSize(records[i]);
    if (total > maxBytes && i > 0) return records.slice(0, i);
  }
  return records;
}

function checkRange(name: string, value: number, min: number, max: number) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BrokerError('INVALID_REQUEST', `${name} must be an integer between ${min} and ${max}; got ${value}.`);
  }
}

/** `maxTimestamp`: the record with the largest timestamp (Kafka's -3, KIP-734). */
export type OffsetSpec = 'earliest' | 'latest' | 'maxTimestamp' | { timestamp: number };

export interface ListOffsetsResult {
  /** null when asked for a timestamp later than every record's (Kafka returns offset -1 then). */
  offset: number | null;
  /** For a timestamp query, the found record's own timestamp. */
  timestamp: number | null;
  logStartOffset: number;
  highWatermark: number;
}

/** Kafka's ListOffsets: earliest, latest, the largest timestamp, or the first offset whose timestamp is >= T. */
export async function listOffsets(deps: FetchDeps, topic: string, partition: number, spec: OffsetSpec): Promise<ListOffsetsResult> {
  const { meta, partitionId } = await resolvePartition(deps.topics, topic, partition);
  const marks = await readWatermarks(deps.db, partitionId);
  if (!marks) throw unknownPartition(meta, partition);
  if (spec === 'earliest') return { offset: marks.logStartOffset, timestamp: null, ...marks };
  if (spec === 'latest') return { offset: marks.highWatermark, timestamp: null, ...marks };
  if (spec === 'maxTimestamp') {
    const top = await offsetOfMaxTimestamp(deps.db, partitionId);
    return { offset: top?.offset ?? null, timestamp: top?.timestamp ?? null, ...marks };
  }
  if (!Number.isSafeInteger(spec.timestamp) || spec.timestamp < 0) {
    throw new BrokerError('INVALID_TIMESTAMP', `Timestamp ${spec.timestamp} must be a non-negative integer (ms since epoch).`);
  }
  const hit = await offsetForTimestamp(deps.db, partitionId, spec.timestamp);
  return { offset: hit?.offset ?? null, timestamp: hit?.timestamp ?? null, ...marks };
}

import type { Queryable } from '@/db/client';
import { BrokerError, isBrokerError } from './errors';
import { offsetOfMaxTimestamp } from './log/max-timestamp';
import {
  type Base64Record,
  offsetForTimestamp,
  type PartitionRead,
  type RecordForm,
  type RecordOf,
  readPartitions,
  readWatermarks,
  type StoredRecord,
  storedSize,
} from './log/read';
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

/** Kafka's isolation levels. Without transactions both read up to the high watermark. */
export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface FetchManyRequest<F extends RecordForm = 'bytes'> {
  partitions: ReadonlyArray<{ topic: string; partition: number; offset: number; maxBytes?: number }>;
  /** Per partition. */
  maxRecords?: number;
  /** Over all partitions (the first record is returned whole even above it). */
  maxBytes?: number;
  /** Long poll: answer once this much is there (weighed as recordWeight), or `maxWaitMs` passed. */
  minBytes?: number;
  maxWaitMs?: number;
  isolationLevel?: IsolationLevel;
  signal?: AbortSignal;
  form?: F;
}

export type PartitionFetch<F extends RecordForm = 'bytes'> = { ok: FetchResult<F> } | { error: BrokerError };

/** What a record weighs against minBytes: its stored bytes and about its overhead in a batch. */
const recordWeight = (r: StoredRecord | Base64Record): number => 20 + storedSize(r);

/**
 * The read path: every fetch (Kafka's, the HTTP API's, the live tail, the client library's consumer)
 * reads through here. All partitions are read in one statement with the limits applied in SQL; while
 * that gives less than `minBytes` and no partition failed, it waits for any of them to move (the one
 * long-poll wait: appends here at once, other processes' by NOTIFY or the bounded re-check) and reads
 * again, until `maxWaitMs` on the broker's clock or the signal. A partition's error is its outcome.
 */
export async function fetchMany<F extends RecordForm = 'bytes'>(deps: FetchDeps, req: FetchManyRequest<F>): Promise<PartitionFetch<F>[]> {
  const maxRecords = req.maxRecords ?? FETCH_DEFAULTS.maxRecords;
  const maxBytes = req.maxBytes ?? FETCH_LIMITS.maxBytes;
  const maxWaitMs = req.maxWaitMs ?? FETCH_DEFAULTS.maxWaitMs;
  const minBytes = req.minBytes ?? 1;
  checkRange('maxRecords', maxRecords, 1, FETCH_LIMITS.maxRecords);
  checkRange('maxBytes', maxBytes, 1, FETCH_LIMITS.maxBytes);
  checkRange('maxWaitMs', maxWaitMs, 0, FETCH_LIMITS.maxWaitMs);
  checkRange('minBytes', minBytes, 0, FETCH_LIMITS.maxBytes);
  if (req.isolationLevel !== undefined && req.isolationLevel !== 'read_uncommitted' && req.isolationLevel !== 'read_committed') {
    throw new BrokerError(
      'INVALID_REQUEST',
      `isolationLevel must be read_uncommitted or read_committed; got ${String(req.isolationLevel)}.`,
    );
  }
  if (req.partitions.length === 0) return [];
  const deadline = deps.now() + maxWaitMs;
  const targets = await Promise.all(req.partitions.map((p) => target(deps, p, maxRecords)));
  const reads = targets.flatMap((t) => ('read' in t ? [t.read] : []));
  for (;;) {
    const slices = await readPartitions(deps.db, reads, maxBytes, req.form);
    let n = 0;
    const outcomes = targets.map((t, i): PartitionFetch<F> => {
      if ('error' in t) return t;
      const slice = slices[n++];
      const p = req.partitions[i];
      if (!slice) {
        deps.topics.invalidate(p.topic);
        return { error: unknownPartition(t.meta, p.partition) };
      }
      if (p.offset < slice.logStartOffset || p.offset > slice.highWatermark) {
        return {
          error: new BrokerError(
            'OFFSET_OUT_OF_RANGE',
            `Offset ${p.offset} is out of range for ${p.topic}-${p.partition}: valid offsets are ${slice.logStartOffset} to ${slice.highWatermark}.`,
          ),
        };
      }
      return { ok: { records: slice.records, highWatermark: slice.highWatermark, logStartOffset: slice.logStartOffset } };
    });
    // One clock: the deadline and what remains of it are both read from `now`.
    const remainingMs = deadline - deps.now();
    const weight = outcomes.reduce((w, o) => w + ('ok' in o ? o.ok.records.reduce((x, r) => x + recordWeight(r), 0) : 0), 0);
    // A partition cut by a limit has more there already: waiting would not add to this answer.
    const cut = outcomes.some(
      (o) => 'ok' in o && o.ok.records.length > 0 && o.ok.records[o.ok.records.length - 1].offset + 1 < o.ok.highWatermark,
    );
    if (outcomes.some((o) => 'error' in o) || weight >= minBytes || cut || remainingMs <= 0 || req.signal?.aborted) return outcomes;
    // No partition failed, so every target has a read, in the same order.
    const positions = outcomes.map((o, i) => ({
      partitionId: reads[i].partitionId,
      offset: Math.max(req.partitions[i].offset, 'ok' in o ? o.ok.highWatermark : 0),
    }));
    await deps.wakeup.waitForAny(positions, remainingMs, req.signal);
  }
}

type Target = { read: PartitionRead; meta: TopicMetadata } | { error: BrokerError };

async function target(deps: FetchDeps, p: FetchManyRequest['partitions'][number], maxRecords: number): Promise<Target> {
  if (!Number.isSafeInteger(p.offset) || p.offset < 0) {
    return { error: new BrokerError('OFFSET_OUT_OF_RANGE', `Fetch offset ${p.offset} is not a valid offset.`) };
  }
  const maxBytes = p.maxBytes ?? FETCH_LIMITS.maxBytes;
  try {
    checkRange('maxBytes', maxBytes, 1, FETCH_LIMITS.maxBytes);
    const { meta, partitionId } = await resolvePartition(deps.topics, p.topic, p.partition);
    return { meta, read: { partitionId, offset: p.offset, maxRecords, maxBytes, dense: !meta.config.cleanupPolicy.compact } };
  } catch (err) {
    if (isBrokerError(err)) return { error: err };
    throw err;
  }
}

/** One partition: its records, or its error thrown. */
export async function fetchRecords<F extends RecordForm = 'bytes'>(deps: FetchDeps, req: FetchRequest<F>): Promise<FetchResult<F>> {
  const maxBytes = req.maxBytes ?? FETCH_DEFAULTS.maxBytes;
  const [outcome] = await fetchMany(deps, {
    partitions: [{ topic: req.topic, partition: req.partition, offset: req.offset, maxBytes }],
    maxRecords: req.maxRecords,
    maxBytes,
    maxWaitMs: req.maxWaitMs,
    signal: req.signal,
    form: req.form,
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.ok;
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

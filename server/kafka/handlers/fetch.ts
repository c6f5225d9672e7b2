import { FETCH_LIMITS, type FetchResult, isBrokerError, storedSize } from '@/server/broker';
import { fetch } from '../protocol';
import { encodeFetchBatches } from '../records';
import { isOutage, kafkaCode } from './errors';
import { defineHandler, type KafkaContext } from './types';

type Req = fetch.FetchRequest;
type Res = fetch.FetchResponse;
type PartitionRes = fetch.PartitionData;

const PROBE_RECORDS = 100;
/** Kafka's fetch.max.bytes: the most one Fetch answers, whatever the request's max_bytes says. */
const FETCH_MAX_BYTES = 55 * 1024 * 1024;

interface Wanted {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
}

/** `idle`: the database is away; the partition is answered as one with nothing new past the fetch offset. */
type Outcome = { ok: FetchResult } | { errorCode: number } | { idle: true };

/**
 * Fetch 4-12. Every partition is read at once; while that gives fewer than `min_bytes` (and no partition
 * failed), all of them are long-polled past what was seen, through the engine's wakeup, and read again
 * when one moves, until `max_wait_ms` (on the broker's clock) or the connection or listener closes
 * (`ctx.signal`). Records come back as one uncompressed batch per partition, cut to `partition_max_bytes`
 * and to what is left of `max_bytes`, but the first partition with records always gets at least one whole
 * record so a consumer progresses.
 *
 * No fetch sessions (KIP-227): a full fetch is answered with session id 0, which tells the client none was
 * created, so it keeps sending full fetches; an incremental fetch of a session id (never handed out, or
 * from another broker) is FETCH_SESSION_ID_NOT_FOUND, on which clients start over with a full fetch.
 * No transactions: last stable offset = high watermark, aborted transactions an empty list. A partition
 * that cannot be read because the database is away answers as idle (see readAll).
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
      t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.fetchOffset), maxBytes: p.partitionMaxBytes })),
    );
    const maxWaitMs = Math.min(Math.max(req.maxWaitMs, 0), FETCH_LIMITS.maxWaitMs);
    const deadline = ctx.broker.now() + maxWaitMs;
    let outcomes = await readAll(wanted, ctx);
    while (outcomes.every((o) => 'ok' in o) && bytesOf(outcomes) < req.minBytes && !ctx.signal.aborted) {
      const remainingMs = Math.ceil(deadline - ctx.broker.now());
      if (remainingMs <= 0 || !(await waitForMore(wanted, outcomes, remainingMs, ctx))) break;
      outcomes = await readAll(wanted, ctx);
    }
    return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: encodeResponses(req, wanted, outcomes) };
  },
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    errorCode,
    sessionId: 0,
    responses: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => failedPartition(p.partition, errorCode)) })),
  }),
});

/** Reads every partition at once; a partition's BrokerError is its outcome, anything else fails the request. */
function readAll(wanted: readonly Wanted[], ctx: KafkaContext): Promise<Outcome[]> {
  return Promise.all(
    wanted.map(async (w): Promise<Outcome> => {
      try {
        return { ok: await readPartition(w, ctx) };
      } catch (err) {
        // Every error code here costs some client its partitions or its process (kafkajs rejoins on 5 and 6
        // and restarts after five 56s; Java throws on 5 and 7): while the database is away, and after the
        // read was held as long as reads are, the partition answers as one with nothing new.
        if (isOutage(err)) return { idle: true };
        if (!isBrokerError(err)) throw err;
        return { errorCode: err.kafkaCode };
      }
    }),
  );
}

/**
 * One partition's records up to its byte limit, without reading rows far past it: a probe of
 * PROBE_RECORDS rows measures the record size, then one read takes about as many rows as the limit holds
 * (the engine reads whole rows and trims to maxBytes after, so 10,000 rows of 100 KB would be 1 GB read
 * to send 1 MB).
 */
async function readPartition(w: Wanted, ctx: KafkaContext) {
  const maxBytes = Math.min(Math.max(w.maxBytes, 1), FETCH_LIMITS.maxBytes);
  const read = (offset: number, maxRecords: number, bytes: number) =>
    ctx.broker.fetch({ topic: w.topic, partition: w.partition, offset, maxRecords, maxBytes: bytes });
  const probe = await read(w.offset, PROBE_RECORDS, maxBytes);
  if (probe.records.length < PROBE_RECORDS) return probe; // all there is, or cut by maxBytes already
  const bytes = probe.records.reduce((n, r) => n + storedSize(r), 0);
  const fits = Math.min(FETCH_LIMITS.maxRecords, Math.ceil(maxBytes / Math.max(bytes / probe.records.length, 1)));
  if (fits <= PROBE_RECORDS || bytes >= maxBytes) return probe;
  // The rest continues after the probe's last record (offsets may have gaps on compacted topics): the
  // probe's rows are not read twice.
  const next = probe.records[probe.records.length - 1].offset + 1;
  // If that read fails (retention dropped the segment meanwhile, say), the probe is still a valid answer.
  const rest = await read(next, fits - PROBE_RECORDS, maxBytes - bytes).catch(() => null);
  return rest ? { ...rest, records: [...probe.records, ...rest.records] } : probe;
}

/**
 * Waits until one partition's high watermark passes what the last read saw (the engine's wakeup: appends
 * here at once, other processes' by NOTIFY or the bounded re-check), at most `waitMs`; false when the
 * connection or listener closed meanwhile. Nothing is read while waiting: the caller reads again.
 */
async function waitForMore(wanted: readonly Wanted[], seen: readonly Outcome[], waitMs: number, ctx: KafkaContext): Promise<boolean> {
  const positions = wanted.flatMap((w, i) => {
    const o = seen[i];
    return 'ok' in o ? [{ topic: w.topic, partition: w.partition, offset: Math.max(w.offset, o.ok.highWatermark) }] : [];
  });
  if (positions.length === 0) return false;
  await ctx.broker.waitForRecords(positions, waitMs, ctx.signal);
  return !ctx.signal.aborted;
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
      if ('errorCode' in o) return failedPartition(w.partition, o.errorCode);
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

/** What a partition's answer weighs against min_bytes: stored bytes plus about a record's overhead in a batch. */
const resultBytes = (r: FetchResult) => r.records.reduce((n, rec) => n + 20 + storedSize(rec), 0);

const bytesOf = (outcomes: readonly Outcome[]) => outcomes.reduce((n, o) => n + ('ok' in o ? resultBytes(o.ok) : 0), 0);

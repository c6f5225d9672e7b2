import type { Database, Queryable } from '@/db/client';
import { lostCommit, neverSent } from '@/db/hold';
import { databaseLost } from '@/db/transient';
import { BrokerError, sqlState, UNDEFINED_TABLE } from '../errors';
import type { ProducerFields } from '../producers/sequence';
import { COPY_COLUMNS, COPY_COLUMNS_WITH_PRODUCER, type CopyBatch, encodeCopyRows, type PreparedRecord } from './record-codec';
import { ensureSegments, partitionTable, type SegmentCoverage } from './segments';
import {
  ADVANCE_WATERMARK,
  ADVANCE_WATERMARKS,
  CHECK_VIOLATION,
  fitsOneStatement,
  insertAfterAdvance,
  statementFor,
  withSegmentRetry,
} from './statements';
import { appendCommitted } from './verify';

export interface AppendBatch {
  partitionId: number;
  records: PreparedRecord[];
  /** Payload bytes of `records` (key + value + headers). */
  bytes: number;
  /** Offsets each new segment of this partition should cover, if one has to be created. */
  segmentCapacity: number;
  /** An idempotent producer's batch: checked against the producer's state (producers/append-checked.ts). */
  producer?: ProducerFields;
}

export interface AppendResult {
  partitionId: number;
  baseOffset: number;
  /** The partition's high watermark once this append committed. */
  highWatermark: number;
  /** An idempotent producer's retry: `baseOffset` is where the batch was written the first time. */
  duplicate?: boolean;
  /** This batch was refused (idempotent producers: fenced or out of sequence); nothing of it was written. */
  error?: BrokerError;
}

/** A batch as written: where its first record went. */
export interface Placed {
  batch: AppendBatch;
  baseOffset: number;
}

/** Rows a step stores with the records, in the statement that writes them (so they commit together). */
export interface StoredAlong {
  /** Names the statement (cache, metrics): fixed text per step. */
  kind: string;
  /**
   * A data-modifying statement for a WITH clause, ending in RETURNING, its parameters numbered from
   * `first`; an offset taken from `placed` is absolute once `offsetShift` (an SQL expression) is added.
   */
  sql(first: number, offsetShift: string): string;
  params: unknown[];
}

/**
 * A check that runs inside the append's transaction before anything is written: an idempotent
 * producer's sequence, a request's idempotency key; a transaction's state would be one more. It decides
 * what is written, may store rows of its own with the records, and states the answer.
 */
export interface PreWriteStep<Out> {
  /** Every partition the append may write (forgotten from the segment coverage if one was missing). */
  readonly partitionIds: readonly number[];
  /**
   * First in the transaction, before the pipeline locks anything: takes the step's own locks and returns
   * the batches to write, in order (several of one partition go back to back). `lock` takes a partition's
   * watermark row lock now and returns its high watermark, for a verdict that depends on offsets.
   */
  check(tx: Queryable, lock: (partitionId: number) => Promise<number>): Promise<readonly AppendBatch[]>;
  along?(placed: readonly Placed[]): StoredAlong | null;
  /** The answer, given where each written batch went and the high watermarks after (written partitions). */
  answer(placed: readonly Placed[], highWatermarks: ReadonlyMap<number, number>): Out;
}

export function partitionGone(): BrokerError {
  return new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', 'A partition of this request no longer exists (its topic was deleted).');
}

/** Postgres: a row the append refers to (an idempotency key's topic) does not exist. */
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * The append pipeline: every produce goes through it. One transaction: the step's check, then each
 * partition's watermark row locked by the UPDATE that moves it (in id order, so concurrent appends cannot
 * deadlock), segments created if needed, the rows and the step's rows written; one NOTIFY per partition
 * at commit. Offsets come from the watermark rows: dense, gapless, never visible out of order. A small
 * append to one partition is one statement; others write their rows by binary COPY. A lost COMMIT is
 * settled by reading the written records back.
 */
export async function appendWith<Out>(db: Database, coverage: SegmentCoverage, step: PreWriteStep<Out>): Promise<Out> {
  const options = { verify: (done: Done<Out>) => appendCommitted(db, done.placed.map(copyBatch)) };
  const attempt = () =>
    db
      .transaction((tx) => inTransaction(tx, step, coverage), options)
      .then(
        (done) => done.out,
        (err: unknown) => {
          throw sqlState(err) === FOREIGN_KEY_VIOLATION ? partitionGone() : err;
        },
      );
  return withSegmentRetry(step.partitionIds, coverage, attempt);
}

/** Plain batches (one per partition): atomically, with each partition's base offset, in their order. */
export async function appendToLog(db: Database, batches: readonly AppendBatch[], coverage: SegmentCoverage): Promise<AppendResult[]> {
  if (batches.length === 1) {
    const b = batches[0];
    if (fitsOneStatement(b.records.length, b.bytes) && coverage.likelyCovers(b.partitionId, b.records.length)) {
      // Without a step the one statement commits by itself: one round trip, no BEGIN/COMMIT.
      const highWatermark = await appendAlone(db, b);
      if (highWatermark !== null) {
        coverage.sawHighWatermark(b.partitionId, highWatermark);
        return [{ partitionId: b.partitionId, baseOffset: highWatermark - b.records.length, highWatermark }];
      }
      // A segment was missing: what we knew of them is stale, so the full path must look them up.
      coverage.forget(b.partitionId);
    }
  }
  return appendWith(db, coverage, {
    partitionIds: batches.map((b) => b.partitionId),
    check: async () => batches,
    answer: (placed, hws) =>
      placed.map((p) => ({
        partitionId: p.batch.partitionId,
        baseOffset: p.baseOffset,
        highWatermark: hws.get(p.batch.partitionId) ?? -1,
      })),
  });
}

interface Done<Out> {
  out: Out;
  placed: Placed[];
}

const copyBatch = (p: Placed): CopyBatch => ({
  partitionId: p.batch.partitionId,
  baseOffset: p.baseOffset,
  records: p.batch.records,
  producer: p.batch.producer,
});

interface PartitionWrite {
  id: number;
  records: number;
  bytes: number;
  segmentCapacity: number;
}

/** The partitions written, in id order (the lock order), with their totals. */
function partitionsOf(batches: readonly AppendBatch[]): PartitionWrite[] {
  const byId = new Map<number, PartitionWrite>();
  for (const b of batches) {
    const p = byId.get(b.partitionId);
    if (p) {
      p.records += b.records.length;
      p.bytes += b.bytes;
    } else {
      byId.set(b.partitionId, { id: b.partitionId, records: b.records.length, bytes: b.bytes, segmentCapacity: b.segmentCapacity });
    }
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Each batch's base offset, given each partition's first new offset (batches of one partition back to back). */
function place(batches: readonly AppendBatch[], firstOffsets: ReadonlyMap<number, number>): Placed[] {
  const next = new Map(firstOffsets);
  return batches.map((batch) => {
    const baseOffset = next.get(batch.partitionId) ?? 0;
    next.set(batch.partitionId, baseOffset + batch.records.length);
    return { batch, baseOffset };
  });
}

async function inTransaction<Out>(tx: Queryable, step: PreWriteStep<Out>, coverage: SegmentCoverage): Promise<Done<Out>> {
  const locked = new Map<number, number>();
  const lock = async (partitionId: number) => {
    const known = locked.get(partitionId);
    if (known !== undefined) return known;
    const [row] = await tx.query<{ high_watermark: number }>(
      `SELECT high_watermark FROM topic_partitions WHERE id = $1 FOR UPDATE`,
      [partitionId],
      { name: 'append.lock_watermark' },
    );
    if (!row) throw partitionGone();
    locked.set(partitionId, row.high_watermark);
    return row.high_watermark;
  };
  const batches = await step.check(tx, lock);
  if (batches.length === 0) return { out: step.answer([], new Map()), placed: [] };
  const parts = partitionsOf(batches);
  const known = parts.every((p) => locked.has(p.id));
  if (known) {
    // The step read the high watermarks under lock: segments are settled exactly before writing.
    for (const p of parts) await coverSegments(tx, coverage, p, (locked.get(p.id) ?? 0) + p.records);
  }
  const only = parts.length === 1 ? parts[0] : null;
  if (only && fitsOneStatement(only.records, only.bytes) && (known || coverage.likelyCovers(only.id, only.records))) {
    return inOneStatement(tx, step, batches, only, locked.get(only.id), coverage);
  }

  const rows =
    parts.length === 1
      ? await tx.query<{ id: number; high_watermark: number }>(ADVANCE_WATERMARK, [parts[0].id, parts[0].records, parts[0].bytes], {
          name: 'append.watermark',
        })
      : await tx.query<{ id: number; high_watermark: number }>(
          ADVANCE_WATERMARKS,
          [parts.map((p) => p.id), parts.map((p) => p.records), parts.map((p) => p.bytes)],
          { name: 'append.watermarks' },
        );
  if (rows.length !== parts.length) throw partitionGone();
  const hws = new Map(rows.map((r) => [r.id, r.high_watermark]));
  for (const p of parts) {
    const hw = hws.get(p.id);
    if (hw === undefined) throw partitionGone();
    await coverSegments(tx, coverage, p, hw);
  }
  const placed = place(batches, new Map(parts.map((p) => [p.id, (hws.get(p.id) ?? 0) - p.records])));
  const withProducer = batches.some((b) => b.producer);
  // One partition: write straight into its log table (no routing through the root, no lock on it).
  const target = parts.length === 1 ? partitionTable(parts[0].id) : 'records';
  await tx.copyIn(target, withProducer ? COPY_COLUMNS_WITH_PRODUCER : COPY_COLUMNS, encodeCopyRows(placed.map(copyBatch), withProducer));
  const along = step.along?.(placed);
  if (along) {
    await tx.query(`WITH s AS (${along.sql(1, '0')}) SELECT count(*)::int AS s FROM s`, along.params, { name: `${along.kind}.along` });
  }
  return { out: step.answer(placed, hws), placed };
}

async function coverSegments(tx: Queryable, coverage: SegmentCoverage, p: PartitionWrite, highWatermark: number): Promise<void> {
  if (!coverage.covers(p.id, highWatermark)) coverage.record(p.id, await ensureSegments(tx, p.id, highWatermark, p.segmentCapacity));
  coverage.sawHighWatermark(p.id, highWatermark);
}

/** Parameters of the one statement: $1 partition id, $2 records, $3 bytes, then each record's. */
function oneStatementParams(p: PartitionWrite, batches: readonly AppendBatch[], withProducer: boolean): unknown[] {
  const params: unknown[] = [p.id, p.records, p.bytes];
  for (const b of batches) {
    const f = b.producer;
    for (const r of b.records) {
      params.push(r.timestamp, r.key, r.value, r.headers);
      if (withProducer) params.push(f?.producerId ?? null, f?.producerEpoch ?? null, f?.baseSequence ?? null);
    }
  }
  return params;
}

/** The one statement: watermark, rows and the step's rows; returns the new high watermark and the row count. */
const oneStatement = (n: number, withProducer: boolean, along: StoredAlong | null, relative: boolean) =>
  statementFor(`append${withProducer ? '.producer' : ''}${along ? `.${along.kind}${relative ? '.relative' : ''}` : ''}`, n, () => {
    const first = 4 + n * (withProducer ? 7 : 4);
    const s = along ? `, s AS (${along.sql(first, relative ? '(SELECT high_watermark - $2 FROM w)' : '0')})` : '';
    // Every CTE is read by the final SELECT, so none is skipped.
    return `WITH w AS (${ADVANCE_WATERMARK}), r AS (${insertAfterAdvance(n, 4, withProducer)} RETURNING 1)${s}
      SELECT w.high_watermark, (SELECT count(*) FROM r)::int AS r${along ? ', (SELECT count(*) FROM s)::int AS s' : ''}, w.notified FROM w`;
  });

async function inOneStatement<Out>(
  tx: Queryable,
  step: PreWriteStep<Out>,
  batches: readonly AppendBatch[],
  p: PartitionWrite,
  lockedHighWatermark: number | undefined,
  coverage: SegmentCoverage,
): Promise<Done<Out>> {
  // Offsets relative to the partition's first new one unless the step read it under lock; the SQL shifts them.
  const placed = place(batches, new Map([[p.id, lockedHighWatermark ?? 0]]));
  const along = step.along?.(placed) ?? null;
  const withProducer = batches.some((b) => b.producer);
  const params = oneStatementParams(p, batches, withProducer);
  if (along) params.push(...along.params);
  const [row] = await tx.query<{ high_watermark: number; r: number }>(
    oneStatement(p.records, withProducer, along, lockedHighWatermark === undefined),
    params,
    {
      name: along ? `${along.kind}.append` : withProducer ? 'append.producer' : 'append.tx',
    },
  );
  if (!row) throw partitionGone();
  if (row.r !== p.records) throw new Error('Broken invariant: an append wrote part of its rows');
  coverage.sawHighWatermark(p.id, row.high_watermark);
  const first = row.high_watermark - p.records;
  const absolute = lockedHighWatermark === undefined ? place(batches, new Map([[p.id, first]])) : placed;
  return { out: step.answer(absolute, new Map([[p.id, row.high_watermark]])), placed: absolute };
}

/** The one statement committing by itself. Returns null when a segment is missing (then nothing changed). */
async function appendAlone(db: Database, b: AppendBatch): Promise<number | null> {
  const p = partitionsOf([b])[0];
  let rows: Array<{ high_watermark: number; r: number }>;
  try {
    rows = await db.query(oneStatement(p.records, false, null, true), oneStatementParams(p, [b], false), { name: 'append' });
  } catch (err) {
    const state = sqlState(err);
    if (state === CHECK_VIOLATION || state === UNDEFINED_TABLE) return null;
    // Lost with its connection after it was sent, it may have committed.
    if (databaseLost(err) && !neverSent(err)) throw lostCommit(err, null);
    throw err;
  }
  if (rows.length === 0) throw partitionGone();
  const row = rows[0];
  // Seen once under a restart with traffic: rows that are not this statement's answer. Its outcome is then
  // unknown, as for a lost connection (the caller answers REQUEST_TIMED_OUT: "may have been written").
  if (rows.length !== 1 || typeof row?.high_watermark !== 'number' || row.r !== p.records)
    throw lostCommit(new Error('The append was answered with rows it did not ask for.'), null);
  return row.high_watermark;
}

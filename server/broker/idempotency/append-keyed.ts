import type { Database, Queryable } from '@/db/client';
import { BrokerError, sqlState } from '../errors';
import { type AppendBatch, type AppendResult, appendInTransaction, partitionGone } from '../log/append';
import type { SegmentCoverage } from '../log/segments';
import { ADVANCE_WATERMARK, fitsOneStatement, insertAfterAdvance, statementFor, withSegmentRetry } from '../log/statements';
import type { ResultRuns } from './request';

/** A produce request's claim on its idempotency key: keys are per topic. `hash` is the body's SHA-256 (hex). */
export interface KeyClaim {
  topicId: number;
  key: string;
  hash: string;
}

/** One request with an idempotency key: its batches (one per partition) and how to state its result. */
export interface KeyedRequest {
  claim: KeyClaim;
  batches: AppendBatch[];
  /** The result to store and answer, given the base offset of each of its batches (by partition id). */
  result(bases: ReadonlyMap<number, number>): ResultRuns;
}

export type KeyedOutcome =
  /** Written now; `appended` has each partition's high watermark after the commit (wake-ups). */
  | { kind: 'written'; runs: ResultRuns; appended: AppendResult[] }
  /** A retry: nothing written, the first attempt's result. */
  | { kind: 'duplicate'; runs: ResultRuns }
  | { kind: 'refused'; error: BrokerError };

/**
 * The append transaction of requests with idempotency keys: several single-partition requests of one
 * partition when the append queue coalesced them, or one request over any partitions. The key rows and
 * the records commit together, so a key is stored exactly when its records are.
 *
 * Lock order, the same in every transaction: key rows first (sorted), then watermark rows (by id, in
 * appendInTransaction). A transaction that holds a key never waits for one, so none can deadlock. The
 * claim is an INSERT ... ON CONFLICT: a concurrent request with the same key (another process, another
 * connection) waits there for the first one's commit and then finds its result; if the first rolled
 * back, the claim succeeds and this one writes. Postgres' unique index, not this process, decides.
 */
export async function appendKeyed(
  db: Database,
  requests: readonly KeyedRequest[],
  coverage: SegmentCoverage,
  now: number,
  windowMs: number,
): Promise<KeyedOutcome[]> {
  const attempt = () =>
    db
      .transaction((tx) => inTransaction(tx, requests, coverage, now, windowMs), {
        verify: (outcomes) => keysStored(db, requests, outcomes),
      })
      .catch((err: unknown) => {
        // The topic id we claimed a key under is gone (deleted, maybe re-created, by another process):
        // the caller refreshes its metadata and tries again, as for a vanished partition.
        throw sqlState(err) === FOREIGN_KEY_VIOLATION ? partitionGone() : err;
      });
  return withSegmentRetry(
    requests.flatMap((r) => r.batches.map((b) => b.partitionId)),
    coverage,
    attempt,
  );
}

/**
 * Whether a keyed append whose COMMIT was lost committed: each key it wrote holds the result it computed
 * (the key rows commit with the records). Nothing written: nothing to have lost.
 */
async function keysStored(db: Database, requests: readonly KeyedRequest[], outcomes: readonly KeyedOutcome[]): Promise<boolean> {
  for (const [i, o] of outcomes.entries()) {
    if (o.kind !== 'written') continue;
    const { topicId, key } = requests[i].claim;
    const [row] = await db.query<{ result: ResultRuns | null }>(
      `SELECT result FROM produce_idempotency_keys WHERE topic_id = $1 AND key = $2`,
      [topicId, key],
      { name: 'idempotency.verify' },
    );
    if (!row || JSON.stringify(row.result) !== JSON.stringify(o.runs)) return false;
  }
  return true;
}

/** Postgres: the key's topic row does not exist. */
const FOREIGN_KEY_VIOLATION = '23503';

const claimId = (c: KeyClaim) => `${c.topicId}\u0000${c.key}`;
const byKey = (a: KeyClaim, b: KeyClaim) => a.topicId - b.topicId || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

interface StoredKey {
  topic_id: number;
  key: string;
  hash: string;
  result: ResultRuns | null;
}

async function inTransaction(
  tx: Queryable,
  requests: readonly KeyedRequest[],
  coverage: SegmentCoverage,
  now: number,
  windowMs: number,
): Promise<KeyedOutcome[]> {
  // The first request of each key claims it; a later one in this transaction is a retry of it (or a misuse).
  const first = new Map<string, number>();
  requests.forEach((r, i) => {
    if (!first.has(claimId(r.claim))) first.set(claimId(r.claim), i);
  });
  const claims = [...first.values()].map((i) => requests[i].claim).sort(byKey);
  // A row older than the window is taken over (as if it had been expired already).
  const claimed = await tx.query<{ topic_id: number; key: string }>(
    `INSERT INTO produce_idempotency_keys AS k (topic_id, key, request_hash, created_at)
     SELECT c.topic_id, c.key, decode(c.hash, 'hex'), $4::bigint
       FROM unnest($1::int[], $2::text[], $3::text[]) WITH ORDINALITY AS c(topic_id, key, hash, n)
      ORDER BY c.n
     ON CONFLICT (topic_id, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at, result = NULL
      WHERE k.created_at <= $5::bigint
     RETURNING k.topic_id, k.key`,
    [claims.map((c) => c.topicId), claims.map((c) => c.key), claims.map((c) => c.hash), now, now - windowMs],
    { name: 'idempotency.claim' },
  );
  const ours = new Set(claimed.map((c) => claimId({ topicId: c.topic_id, key: c.key, hash: '' })));
  const taken = claims.filter((c) => !ours.has(claimId(c)));
  // Keys already used: read them in a statement of their own, whose snapshot sees the commit we waited for.
  const stored = new Map<string, StoredKey>();
  if (taken.length > 0) {
    const rows = await tx.query<StoredKey>(
      `SELECT k.topic_id, k.key, encode(k.request_hash, 'hex') AS hash, k.result
         FROM produce_idempotency_keys k JOIN unnest($1::int[], $2::text[]) AS c(topic_id, key) USING (topic_id, key)`,
      [taken.map((c) => c.topicId), taken.map((c) => c.key)],
      { name: 'idempotency.load' },
    );
    for (const r of rows) stored.set(claimId({ topicId: r.topic_id, key: r.key, hash: '' }), r);
  }

  const outcomes: Array<KeyedOutcome | { kind: 'write' } | { kind: 'same-as'; index: number }> = requests.map((r, i) => {
    const id = claimId(r.claim);
    const owner = first.get(id) ?? i;
    if (ours.has(id)) {
      if (owner === i) return { kind: 'write' };
      return r.claim.hash === requests[owner].claim.hash
        ? { kind: 'same-as', index: owner }
        : { kind: 'refused', error: mismatch(r.claim) };
    }
    const row = stored.get(id);
    // Gone between our claim and our read (expired by another process): nothing was written; try again.
    if (!row || row.result === null) {
      return { kind: 'refused', error: new BrokerError('CONCURRENT_TRANSACTIONS', `Idempotency key "${r.claim.key}" is busy; retry.`) };
    }
    if (row.hash !== r.claim.hash) return { kind: 'refused', error: mismatch(r.claim) };
    return { kind: 'duplicate', runs: row.result };
  });

  const writing = outcomes.flatMap((o, i) => (o.kind === 'write' ? [i] : []));
  if (writing.length > 0) {
    // One batch per partition for all the requests written, in request order (offsets follow it).
    const merged = new Map<number, AppendBatch>();
    const starts = new Map<number, Map<number, number>>(); // request → partition id → index in the merged batch
    for (const i of writing) {
      const at = new Map<number, number>();
      for (const b of requests[i].batches) {
        let m = merged.get(b.partitionId);
        if (!m) {
          m = { partitionId: b.partitionId, records: [], bytes: 0, segmentCapacity: b.segmentCapacity };
          merged.set(b.partitionId, m);
        }
        at.set(b.partitionId, m.records.length);
        for (const rec of b.records) m.records.push(rec);
        m.bytes += b.bytes;
      }
      starts.set(i, at);
    }
    const only = merged.size === 1 ? [...merged.values()][0] : null;
    if (only && fitsOneStatement(only.records.length, only.bytes) && coverage.likelyCovers(only.partitionId, only.records.length)) {
      // The common case (small requests to one partition, coalesced or not): watermark, rows and results in one statement.
      const relative = writing.map((i) => requests[i].result(starts.get(i) ?? new Map()));
      const highWatermark = await writeInOneStatement(
        tx,
        only,
        writing.map((i) => requests[i].claim),
        relative,
      );
      coverage.sawHighWatermark(only.partitionId, highWatermark);
      const base = highWatermark - only.records.length;
      const appended = [{ partitionId: only.partitionId, baseOffset: base, highWatermark }];
      writing.forEach((i, j) => {
        outcomes[i] = { kind: 'written', runs: relative[j].map(([p, o, n]) => [p, o + base, n]), appended };
      });
      return settle(outcomes);
    }
    const appended = await appendInTransaction(tx, [...merged.values()], coverage);
    const baseOf = new Map(appended.map((a) => [a.partitionId, a.baseOffset]));
    const written: Array<{ claim: KeyClaim; runs: ResultRuns }> = [];
    for (const i of writing) {
      const bases = new Map<number, number>();
      for (const [pid, start] of starts.get(i) ?? []) bases.set(pid, (baseOf.get(pid) ?? 0) + start);
      const runs = requests[i].result(bases);
      const mine = appended.filter((a) => bases.has(a.partitionId));
      outcomes[i] = { kind: 'written', runs, appended: mine };
      written.push({ claim: requests[i].claim, runs });
    }
    await tx.query(
      `UPDATE produce_idempotency_keys k SET result = u.result::jsonb
         FROM unnest($1::int[], $2::text[], $3::text[]) AS u(topic_id, key, result)
        WHERE k.topic_id = u.topic_id AND k.key = u.key`,
      [written.map((w) => w.claim.topicId), written.map((w) => w.claim.key), written.map((w) => JSON.stringify(w.runs))],
      { name: 'idempotency.result' },
    );
  }
  return settle(outcomes);
}

/** Retries within the transaction get their original's result. */
function settle(outcomes: Array<KeyedOutcome | { kind: 'write' } | { kind: 'same-as'; index: number }>): KeyedOutcome[] {
  return outcomes.map((o) => {
    if (o.kind === 'same-as') {
      const original = outcomes[o.index];
      if (original.kind === 'written') return { kind: 'duplicate', runs: original.runs };
      throw new Error('Broken invariant: a key claimed in this transaction was written');
    }
    if (o.kind === 'write') throw new Error('Broken invariant: every claimed request was written');
    return o;
  });
}

/**
 * $1 partition id, $2 records, $3 bytes; the claims' topic ids, keys and results relative to the first
 * offset written ($4-$6, the result's offsets are moved by it in SQL); then 4 parameters per record. A
 * missing segment fails the statement (CHECK_VIOLATION): appendKeyed then retries on the general path.
 */
const oneStatement = (n: number) =>
  statementFor(
    'idempotency.append',
    n,
    () => `WITH w AS (${ADVANCE_WATERMARK}), r AS (
      ${insertAfterAdvance(n, 7)}
      RETURNING 1
    ), u AS (
      UPDATE produce_idempotency_keys k
         SET result = (SELECT jsonb_agg(jsonb_build_array(e.run->0, (e.run->>1)::bigint + w.high_watermark - $2, e.run->2) ORDER BY e.n)
                         FROM jsonb_array_elements(x.runs::jsonb) WITH ORDINALITY AS e(run, n))
        FROM w, unnest($4::int[], $5::text[], $6::text[]) AS x(topic_id, key, runs)
       WHERE k.topic_id = x.topic_id AND k.key = x.key
      RETURNING 1
    )
    SELECT w.high_watermark, (SELECT count(*) FROM r)::int AS r, (SELECT count(*) FROM u)::int AS u, w.notified FROM w`,
  );

async function writeInOneStatement(tx: Queryable, batch: AppendBatch, claims: KeyClaim[], relative: ResultRuns[]): Promise<number> {
  const params: unknown[] = [
    batch.partitionId,
    batch.records.length,
    batch.bytes,
    claims.map((c) => c.topicId),
    claims.map((c) => c.key),
    relative.map((r) => JSON.stringify(r)),
  ];
  for (const r of batch.records) params.push(r.timestamp, r.key, r.value, r.headers);
  const [row] = await tx.query<{ high_watermark: number; r: number; u: number }>(oneStatement(batch.records.length), params, {
    name: 'idempotency.append',
  });
  if (!row) throw partitionGone();
  if (row.r !== batch.records.length || row.u !== claims.length) throw new Error('Broken invariant: a keyed append wrote part of its rows');
  return row.high_watermark;
}

function mismatch(claim: KeyClaim): BrokerError {
  return new BrokerError(
    'DUPLICATE_RESOURCE',
    `Idempotency key "${claim.key}" was already used for a different request on this topic (other records, partitions or timestamps). Nothing was written; use a new key for a new request.`,
  );
}

/** Forgets keys older than the window (log maintenance); a retry after that writes again. */
export async function expireIdempotencyKeys(db: Database, now: number, windowMs: number): Promise<number> {
  const rows = await db.query(`DELETE FROM produce_idempotency_keys WHERE created_at <= $1 RETURNING 1`, [now - windowMs], {
    name: 'idempotency.expire',
  });
  return rows.length;
}

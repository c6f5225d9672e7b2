import type { Database, Queryable } from '@/db/client';
import { BrokerError } from '../errors';
import { type AppendBatch, type AppendResult, appendWith, type Placed } from '../log/append';
import type { SegmentCoverage } from '../log/segments';
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
 * Appends requests with idempotency keys through the append pipeline with the idempotency-key step:
 * several single-partition requests of one partition when the append queue coalesced them, or one
 * request over any partitions. The key rows and the records commit together, so a key is stored exactly
 * when its records are (and a lost COMMIT is settled by the records, as for any append).
 *
 * Lock order, the same in every transaction: key rows first (sorted, in the step's check), then
 * watermark rows (by id, in the pipeline). A transaction that holds a key never waits for one, so none can
 * deadlock. The claim is an INSERT ... ON CONFLICT: a concurrent request with the same key (another
 * process, another connection) waits there for the first one's commit and then finds its result; if the
 * first rolled back, the claim succeeds and this one writes. Postgres' unique index, not this process, decides.
 */
export function appendKeyed(
  db: Database,
  requests: readonly KeyedRequest[],
  coverage: SegmentCoverage,
  now: number,
  windowMs: number,
): Promise<KeyedOutcome[]> {
  // Per attempt (the pipeline may run the step twice): each request's verdict, and those written.
  let verdicts: Verdict[] = [];
  let writing: number[] = [];
  /** Each written request's result, given where its batches went (by index in the placed batches). */
  const results = (placed: readonly Placed[]) => {
    let at = 0;
    return writing.map((i) => {
      const bases = new Map<number, number>();
      for (const b of requests[i].batches) bases.set(b.partitionId, placed[at++].baseOffset);
      return requests[i].result(bases);
    });
  };
  return appendWith(db, coverage, {
    partitionIds: requests.flatMap((r) => r.batches.map((b) => b.partitionId)),
    async check(tx) {
      verdicts = await claimKeys(tx, requests, now, windowMs);
      writing = verdicts.flatMap((v, i) => (v.kind === 'write' ? [i] : []));
      return writing.flatMap((i) => requests[i].batches);
    },
    along: (placed) => ({
      kind: 'idempotency',
      // Results are stored with offsets as placed; the pipeline's shift makes them absolute.
      sql: (first, shift) => `UPDATE produce_idempotency_keys k
           SET result = (SELECT jsonb_agg(jsonb_build_array(e.run->0, (e.run->>1)::bigint + ${shift}, e.run->2) ORDER BY e.n)
                           FROM jsonb_array_elements(x.runs::jsonb) WITH ORDINALITY AS e(run, n))
          FROM unnest($${first}::int[], $${first + 1}::text[], $${first + 2}::text[]) AS x(topic_id, key, runs)
         WHERE k.topic_id = x.topic_id AND k.key = x.key
        RETURNING 1`,
      params: [
        writing.map((i) => requests[i].claim.topicId),
        writing.map((i) => requests[i].claim.key),
        results(placed).map((r) => JSON.stringify(r)),
      ],
    }),
    answer(placed, hws) {
      const runs = results(placed);
      const outcomes = verdicts.map((v, i): Verdict => {
        if (v.kind !== 'write') return v;
        const mine = [...new Set(requests[i].batches.map((b) => b.partitionId))];
        return {
          kind: 'written',
          runs: runs[writing.indexOf(i)],
          appended: mine.map((pid) => ({ partitionId: pid, baseOffset: -1, highWatermark: hws.get(pid) ?? -1 })),
        };
      });
      return settle(outcomes);
    },
  });
}

type Verdict = KeyedOutcome | { kind: 'write' } | { kind: 'same-as'; index: number };

const claimId = (c: KeyClaim) => `${c.topicId}\u0000${c.key}`;
const byKey = (a: KeyClaim, b: KeyClaim) => a.topicId - b.topicId || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

interface StoredKey {
  topic_id: number;
  key: string;
  hash: string;
  result: ResultRuns | null;
}

/** Claims the requests' keys (sorted, the lock order) and says of each request what becomes of it. */
async function claimKeys(tx: Queryable, requests: readonly KeyedRequest[], now: number, windowMs: number): Promise<Verdict[]> {
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

  return requests.map((r, i) => {
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
}

/** Retries within the transaction get their original's result. */
function settle(outcomes: Verdict[]): KeyedOutcome[] {
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

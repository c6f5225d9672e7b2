import { sqlState } from '../errors';
import type { SegmentCoverage } from './segments';

/**
 * What every append transaction shares, written once: the wake-up, the watermark move, the small-append
 * statement's rows and its limits, the statement cache, and the retry when a segment was missing.
 */

/** NOTIFY channel carrying "<partition id>:<high watermark>" once per partition per transaction. */
export const APPEND_CHANNEL = 'brook_append';

/** Postgres: no partition of relation found for row (the segment for an offset does not exist). */
export const CHECK_VIOLATION = '23514';

/** Small single-partition appends go as one statement (one round trip). */
const ONE_STATEMENT_MAX_RECORDS = 16;
const ONE_STATEMENT_MAX_BYTES = 64 * 1024;

export const fitsOneStatement = (records: number, bytes: number): boolean =>
  records <= ONE_STATEMENT_MAX_RECORDS && bytes <= ONE_STATEMENT_MAX_BYTES;

/**
 * The only place a wake-up is queued: a RETURNING item of the UPDATE that moves a partition's high
 * watermark, so Postgres sends it at commit, once per partition per transaction, and never for a
 * rolled-back append. `alias`: the watermark table's alias in that UPDATE.
 */
function notifyOnCommit(alias?: string): string {
  const p = alias ? `${alias}.` : '';
  return `pg_notify('${APPEND_CHANNEL}', ${p}id || ':' || ${p}high_watermark)::text AS notified`;
}

/**
 * Moves one partition's watermark: $1 partition id, $2 records, $3 payload bytes. The UPDATE takes the
 * row lock that orders appends to the partition (held to commit); it returns the new high watermark.
 */
export const ADVANCE_WATERMARK = `UPDATE topic_partitions SET high_watermark = high_watermark + $2, bytes = bytes + $3 WHERE id = $1
  RETURNING id, high_watermark, ${notifyOnCommit()}`;

/**
 * Moves several partitions' watermarks: $1 ids, $2 records, $3 bytes (arrays, the same order). Rows are
 * locked in id order first, so concurrent multi-partition appends cannot deadlock.
 */
export const ADVANCE_WATERMARKS = `WITH locked AS (
    SELECT id FROM topic_partitions WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE
  ), inc AS (
    SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS i(id, n, bytes)
  )
  UPDATE topic_partitions tp
     SET high_watermark = tp.high_watermark + inc.n, bytes = tp.bytes + inc.bytes
    FROM inc, locked
   WHERE tp.id = inc.id AND locked.id = inc.id
  RETURNING tp.id, tp.high_watermark, ${notifyOnCommit('tp')}`;

/**
 * The rows of a small append after a CTE `w` of ADVANCE_WATERMARK: `n` records from `$first`, 4
 * parameters each (timestamp, key, value, headers), 7 with an idempotent producer's fields (producer id,
 * epoch, the batch's base sequence), at the offsets the watermark move made room for. Through the root
 * table (partition routing), so the text does not depend on the partition.
 */
export function insertAfterAdvance(n: number, first: number, withProducer = false): string {
  const width = withProducer ? 7 : 4;
  const types = ['bigint', 'bytea', 'bytea', 'bytea', 'bigint', 'smallint', 'int'].slice(0, width);
  const rows = Array.from({ length: n }, (_, i) => {
    const p = first + i * width;
    return `(${i}, ${types.map((t, j) => `$${p + j}::${t}`).join(', ')})`;
  });
  const producer = withProducer ? ['producer_id', 'producer_epoch', 'sequence'] : [];
  const columns = ['ts', 'k', 'v', 'h', ...producer];
  return `INSERT INTO records (partition_id, "offset", "timestamp", key, value, headers${producer.map((c) => `, ${c}`).join('')})
    SELECT w.id, w.high_watermark - $2 + v.i, ${columns.map((c) => `v.${c}`).join(', ')}
      FROM w CROSS JOIN (VALUES ${rows.join(', ')}) AS v(i, ${columns.join(', ')})`;
}

const statements = new Map<string, string>();

/** A statement whose text depends on its record count, built once per (kind, count). */
export function statementFor(kind: string, n: number, build: (n: number) => string): string {
  const id = `${kind}:${n}`;
  let text = statements.get(id);
  if (text === undefined) {
    text = build(n);
    statements.set(id, text);
  }
  return text;
}

/**
 * Runs an append transaction; when it failed because a segment it assumed was missing (our idea of the
 * segments was stale: nothing was written), forgets what we knew of those partitions and tries once more.
 */
export async function withSegmentRetry<T>(
  partitionIds: Iterable<number>,
  coverage: SegmentCoverage,
  attempt: () => Promise<T>,
): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (sqlState(err) !== CHECK_VIOLATION) throw err;
    for (const id of partitionIds) coverage.forget(id);
    return attempt();
  }
}

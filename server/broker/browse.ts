import type { Queryable } from '@/db/client';
import { BrokerError, sqlState, UNDEFINED_TABLE } from './errors';
import { type FetchDeps, resolvePartition } from './fetch';
import { offsetForTimestamp, readPartitions, readWatermarks, type StoredRecord } from './log/read';
import { partitionTable, UNPREPARED } from './log/segments';
import { unknownPartition } from './topics/metadata';

/**
 * The console's message browser: a page of up to `pageSize` existing records from one or more
 * partitions, newest first. Each partition is read by offset from its edge (offset >= x ORDER BY offset
 * LIMIT n, or the reverse for older pages), so compaction gaps never make a page empty; the partitions'
 * candidates are merged by timestamp, as a consumer reading them all would see them. A text filter reads
 * in chunks, up to `scanLimit` records per partition per page.
 */
export type BrowseStart = 'newest' | 'oldest' | { offset: number } | { timestamp: number };

export interface BrowseRequest {
  topic: string;
  /** Default: every partition. */
  partitions?: number[] | null;
  /** Where the first page starts (ignored when `window` is given). */
  start?: BrowseStart;
  /** Continue from a previous page: its per-partition window, and the way to go from it. */
  window?: Record<number, { from: number; to: number }> | null;
  direction?: 'forward' | 'backward';
  pageSize?: number;
  filter?: { text: string; field?: 'key' | 'value' | 'any' } | null;
  scanLimit?: number;
}

export interface BrowsedRecord extends StoredRecord {
  partition: number;
}

export interface BrowseResult {
  /** Newest first (timestamp, then offset, descending), as the live tail lists them. */
  records: BrowsedRecord[];
  /** Per partition, the offsets this page covers: [from, to). Pass it back to page on. */
  window: Record<number, { from: number; to: number }>;
  watermarks: Record<number, { logStartOffset: number; highWatermark: number }>;
  hasOlder: boolean;
  hasNewer: boolean;
  /** Records read to find the filtered ones. */
  scanned: number;
}

export const BROWSE_LIMITS = { pageSize: 500, scanLimit: 100_000 };
const CHUNK = 1000;

/** One partition's records in reading order (away from the edge), and where its reading stopped. */
interface Candidates {
  partition: number;
  pid: number;
  edge: number;
  /** Forward: the next offset to read; backward: reading continues below this offset. */
  pos: number;
  found: StoredRecord[];
  lso: number;
  hw: number;
  scanned: number;
}

export async function browse(deps: FetchDeps, req: BrowseRequest): Promise<BrowseResult> {
  const pageSize = req.pageSize ?? 50;
  const scanLimit = req.scanLimit ?? 10_000;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > BROWSE_LIMITS.pageSize) {
    throw new BrokerError('INVALID_REQUEST', `pageSize must be between 1 and ${BROWSE_LIMITS.pageSize}.`);
  }
  if (!Number.isInteger(scanLimit) || scanLimit < 1 || scanLimit > BROWSE_LIMITS.scanLimit) {
    throw new BrokerError('INVALID_REQUEST', `scanLimit must be between 1 and ${BROWSE_LIMITS.scanLimit}.`);
  }
  const meta = await deps.topics.get(req.topic);
  const partitions = req.partitions?.length ? [...new Set(req.partitions)].sort((a, b) => a - b) : meta.partitionIds.map((_, p) => p);
  for (const p of partitions) await resolvePartition(deps.topics, req.topic, p);
  const needle = req.filter?.text ? req.filter.text.toLowerCase() : null;
  const field = req.filter?.field ?? 'any';
  const dense = !meta.config.cleanupPolicy.compact;
  const backward = req.window ? req.direction === 'backward' : req.start === 'newest' || req.start === undefined;

  // Every partition offers up to a whole page: the merge decides how many each one gives.
  const all = await Promise.all(
    partitions.map(async (partition): Promise<Candidates> => {
      const pid = meta.partitionIds[partition];
      const marks = await readWatermarks(deps.db, pid);
      if (!marks) throw unknownPartition(meta, partition);
      const { logStartOffset: lso, highWatermark: hw } = marks;
      const edge = await startEdge(deps, req, partition, pid, lso, hw, backward);
      const c: Candidates = { partition, pid, edge, pos: edge, found: [], lso, hw, scanned: 0 };
      await collect(deps.db, c, { backward, want: pageSize, needle, field, scanLimit, dense });
      // Behind the edge (a start inside a compaction gap): with no record there, the page reaches the log's end, so no empty page waits behind it.
      const behind = backward ? hw : lso;
      if (edge !== behind) {
        const [r] = await readRows(deps.db, pid, { backward: !backward, pos: edge, bound: behind, limit: 1, dense, payloads: false });
        if (!r) c.edge = behind;
      }
      return c;
    }),
  );
  const taken = merge(all, pageSize, backward);

  const window: BrowseResult['window'] = {};
  const shown = all.map((c, i) => {
    const k = taken[i];
    // The page covers up to the first candidate not shown (or all that was read): nothing in between exists or matches.
    const stop = k < c.found.length ? (backward ? c.found[k].offset + 1 : c.found[k].offset) : c.pos;
    window[c.partition] = backward ? { from: stop, to: c.edge } : { from: c.edge, to: stop };
    return c.found.slice(0, k);
  });
  const full = needle ? shown : await withPayloads(deps.db, all, shown);
  const records: BrowsedRecord[] = all.flatMap((c, i) => full[i].map((r) => ({ ...r, partition: c.partition })));
  records.sort((a, b) => b.timestamp - a.timestamp || a.partition - b.partition || b.offset - a.offset);
  return {
    records,
    window,
    watermarks: Object.fromEntries(all.map((c) => [c.partition, { logStartOffset: c.lso, highWatermark: c.hw }])),
    hasOlder: all.some((c) => window[c.partition].from > c.lso),
    hasNewer: all.some((c) => window[c.partition].to < c.hw),
    scanned: all.reduce((n, c) => n + c.scanned, 0),
  };
}

/**
 * Reads records away from the edge until `want` are found, the log ends, or (filtering) the scan budget
 * is spent. Unfiltered, only offsets and timestamps are read here (payloads once the merge chose).
 * Each read asks for one row more than it uses, so `pos` lands on the next existing record: a page
 * that ends at the last record says so (no empty page after it).
 */
async function collect(
  db: Queryable,
  c: Candidates,
  o: { backward: boolean; want: number; needle: string | null; field: 'key' | 'value' | 'any'; scanLimit: number; dense: boolean },
): Promise<void> {
  const bound = o.backward ? c.lso : c.hw;
  while (c.found.length < o.want && (o.backward ? c.pos > bound : c.pos < bound)) {
    const n = o.needle ? Math.min(CHUNK, o.scanLimit - c.scanned) : o.want - c.found.length;
    const rows = await readRows(db, c.pid, {
      backward: o.backward,
      pos: c.pos,
      bound,
      limit: n + 1,
      dense: o.dense,
      payloads: o.needle !== null,
    });
    let used = 0;
    while (used < Math.min(n, rows.length) && c.found.length < o.want) {
      const r = rows[used++];
      if (!o.needle || matches(r, o.needle, o.field)) c.found.push(r);
    }
    c.scanned += used;
    const next = rows[used];
    c.pos = next ? (o.backward ? next.offset + 1 : next.offset) : bound;
    if (!o.needle || c.scanned >= o.scanLimit) break;
  }
}

/** Up to `limit` records from `pos` towards `bound`, nearest first. */
async function readRows(
  db: Queryable,
  pid: number,
  o: { backward: boolean; pos: number; bound: number; limit: number; dense: boolean; payloads: boolean },
): Promise<StoredRecord[]> {
  // Dense logs (not compacted) hold a record at every offset: bounding the range keeps the plan independent of statistics.
  const [lo, hi] = o.backward
    ? [o.dense ? Math.max(o.bound, o.pos - o.limit) : o.bound, o.pos]
    : [o.pos, o.dense ? Math.min(o.bound, o.pos + o.limit) : o.bound];
  const columns = o.payloads ? `key, value, headers` : `NULL::bytea AS key, NULL::bytea AS value, NULL::bytea AS headers`;
  let rows: StoredRecord[];
  try {
    rows = await db.query<StoredRecord>(
      `SELECT "offset", "timestamp", ${columns} FROM ${partitionTable(pid)}
        WHERE partition_id = $1 AND "offset" >= $2 AND "offset" < $3
        ORDER BY "offset" ${o.backward ? 'DESC' : 'ASC'} LIMIT $4`,
      [pid, lo, hi, o.limit],
      UNPREPARED,
    );
  } catch (err) {
    if (sqlState(err) === UNDEFINED_TABLE) return []; // never written to, or being deleted
    throw err;
  }
  // Short of a dense range that stops before the bound: gaps after all (compacted before cleanup.policy
  // changed to delete). Read on to the bound rather than take the gap for the end of the log.
  const cut = o.backward ? lo > o.bound : hi < o.bound;
  if (o.dense && cut && rows.length < o.limit) return readRows(db, pid, { ...o, dense: false });
  return rows;
}

/**
 * The chosen records with their payloads: the engine's read path, every partition's range [lo, hi) in one
 * statement (one snapshot). A record compacted away meanwhile is left out.
 */
async function withPayloads(db: Queryable, all: Candidates[], shown: StoredRecord[][]): Promise<StoredRecord[][]> {
  const ranges = shown.map((rs) => (rs.length === 0 ? null : rangeOf(rs)));
  const reads = all.flatMap((c, i) => {
    const range = ranges[i];
    // `dense` bounds the read to [lo, hi): exactly the range, whether or not every offset in it holds a record.
    return range
      ? [{ partitionId: c.pid, offset: range.lo, maxRecords: range.hi - range.lo, maxBytes: Number.MAX_SAFE_INTEGER, dense: true }]
      : [];
  });
  const slices = await readPartitions(db, reads, Number.MAX_SAFE_INTEGER);
  let next = 0;
  return shown.map((rs) => {
    if (rs.length === 0) return [];
    const wanted = new Set(rs.map((r) => r.offset));
    return (slices[next++]?.records ?? []).filter((r) => wanted.has(r.offset));
  });
}

function rangeOf(records: StoredRecord[]): { lo: number; hi: number } {
  let lo = records[0].offset;
  let hi = lo;
  for (const r of records) {
    if (r.offset < lo) lo = r.offset;
    if (r.offset > hi) hi = r.offset;
  }
  return { lo, hi: hi + 1 };
}

/**
 * How many of each partition's candidates the page shows: the `pageSize` nearest the edge in time
 * (forward: oldest first; backward: newest first), taking each partition's candidates in order.
 */
function merge(all: Candidates[], pageSize: number, backward: boolean): number[] {
  const taken = all.map(() => 0);
  for (let n = 0; n < pageSize; n++) {
    let best = -1;
    for (const [i, c] of all.entries()) {
      const r = c.found[taken[i]];
      if (!r) continue;
      if (best < 0) {
        best = i;
        continue;
      }
      const b = all[best].found[taken[best]];
      if (backward ? r.timestamp > b.timestamp : r.timestamp < b.timestamp) best = i;
    }
    if (best < 0) break;
    taken[best]++;
  }
  return taken;
}

async function startEdge(
  deps: FetchDeps,
  req: BrowseRequest,
  partition: number,
  pid: number,
  lso: number,
  hw: number,
  backward: boolean,
): Promise<number> {
  const clamp = (o: number) => Math.min(Math.max(o, lso), hw);
  if (req.window) {
    const w = req.window[partition];
    if (!w) return backward ? hw : lso;
    return clamp(backward ? w.from : w.to);
  }
  const start = req.start ?? 'newest';
  if (start === 'newest') return hw;
  if (start === 'oldest') return lso;
  if ('offset' in start) {
    if (!Number.isSafeInteger(start.offset) || start.offset < 0) {
      throw new BrokerError('OFFSET_OUT_OF_RANGE', `Start offset ${start.offset} is not valid: offsets are whole numbers from 0.`);
    }
    return clamp(start.offset);
  }
  if (!Number.isSafeInteger(start.timestamp) || start.timestamp < 0)
    throw new BrokerError('INVALID_TIMESTAMP', `Timestamp ${start.timestamp} is not valid.`);
  return (await offsetForTimestamp(deps.db, pid, start.timestamp))?.offset ?? hw;
}

const decoder = new TextDecoder();

function matches(r: StoredRecord, needle: string, field: 'key' | 'value' | 'any'): boolean {
  const inKey = field !== 'value' && r.key !== null && decoder.decode(r.key).toLowerCase().includes(needle);
  if (inKey) return true;
  return field !== 'key' && r.value !== null && decoder.decode(r.value).toLowerCase().includes(needle);
}

import { BrokerError } from './errors';
import { type FetchDeps, resolvePartition } from './fetch';
import { offsetForTimestamp, readLog, readWatermarks, type StoredRecord } from './log/read';
import { unknownPartition } from './topics/metadata';

/**
 * The console's message browser: a page of records from one or more partitions, found through the
 * offset index (windows of offsets per partition), never by scanning the topic. A text filter reads
 * forward or backward from the start in chunks, up to `scanLimit` records per partition per page.
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
  const perPartition = Math.max(1, Math.ceil(pageSize / partitions.length));
  const needle = req.filter?.text ? req.filter.text.toLowerCase() : null;
  const field = req.filter?.field ?? 'any';
  const dense = !meta.config.cleanupPolicy.compact;

  const results = await Promise.all(
    partitions.map(async (partition) => {
      const pid = meta.partitionIds[partition];
      const marks = await readWatermarks(deps.db, pid);
      if (!marks) throw unknownPartition(meta, partition);
      const { logStartOffset: lso, highWatermark: hw } = marks;
      const backward = req.window ? req.direction === 'backward' : req.start === 'newest' || req.start === undefined;
      const edge = await startEdge(deps, req, partition, pid, lso, hw, backward);
      const found: StoredRecord[] = [];
      let scanned = 0;
      let from = edge;
      let to = edge;
      // Read chunks away from the edge until the page is full, the log ends, or the scan budget is spent.
      while (found.length < perPartition && (backward ? from > lso : to < hw)) {
        const want = needle ? CHUNK : perPartition - found.length;
        const start = backward ? Math.max(lso, from - want) : to;
        const end = backward ? from : Math.min(hw, to + want);
        const slice = await readLog(deps.db, pid, start, end - start, { dense });
        const chunk = slice?.records.filter((r) => r.offset < end) ?? [];
        scanned += chunk.length;
        const hits = needle ? chunk.filter((r) => matches(r, needle, field)) : chunk;
        if (backward) {
          found.unshift(...hits.slice(-(perPartition - found.length)));
          from = start;
        } else {
          found.push(...hits.slice(0, perPartition - found.length));
          to = end;
        }
        if (!needle || scanned >= scanLimit) break;
      }
      // An unfiltered page covers exactly its records; a filtered one, the stretch that was scanned.
      if (!needle && found.length > 0) {
        if (backward) from = found[0].offset;
        else to = found[found.length - 1].offset + 1;
      }
      return { partition, found, from, to, lso, hw, scanned };
    }),
  );

  const records: BrowsedRecord[] = results
    .flatMap((r) => r.found.map((rec) => ({ ...rec, partition: r.partition })))
    .sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset);
  return {
    records,
    window: Object.fromEntries(results.map((r) => [r.partition, { from: r.from, to: r.to }])),
    watermarks: Object.fromEntries(results.map((r) => [r.partition, { logStartOffset: r.lso, highWatermark: r.hw }])),
    hasOlder: results.some((r) => r.from > r.lso),
    hasNewer: results.some((r) => r.to < r.hw),
    scanned: results.reduce((n, r) => n + r.scanned, 0),
  };
}

async function startEdge(deps: FetchDeps, req: BrowseRequest, partition: number, pid: number, lso: number, hw: number, backward: boolean): Promise<number> {
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
    if (!Number.isSafeInteger(start.offset)) throw new BrokerError('INVALID_REQUEST', `Offset ${start.offset} is not an integer.`);
    return clamp(start.offset);
  }
  if (!Number.isSafeInteger(start.timestamp) || start.timestamp < 0) throw new BrokerError('INVALID_TIMESTAMP', `Timestamp ${start.timestamp} is not valid.`);
  return (await offsetForTimestamp(deps.db, pid, start.timestamp))?.offset ?? hw;
}

const decoder = new TextDecoder();

function matches(r: StoredRecord, needle: string, field: 'key' | 'value' | 'any'): boolean {
  const inKey = field !== 'value' && r.key !== null && decoder.decode(r.key).toLowerCase().includes(needle);
  if (inKey) return true;
  return field !== 'key' && r.value !== null && decoder.decode(r.value).toLowerCase().includes(needle);
}

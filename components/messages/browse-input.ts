/**
 * The message browser's first query from URL parameters, shared by the server page (prefetch) and the
 * client component, so the page renders with data. ?partition=3&offset=1200 opens at that offset,
 * ?timestamp=<ms> at that time, ?start=oldest at the beginning; the default is the newest records.
 */
export type StartKind = 'newest' | 'oldest' | 'offset' | 'timestamp';

export interface BrowseParams {
  partition: number | null;
  startKind: StartKind;
  offset: number | null;
  timestamp: number | null;
}

export const PAGE_SIZE = 50;

export function parseBrowseParams(sp: Record<string, string | string[] | undefined>): BrowseParams {
  const one = (k: string) => {
    const v = sp[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const int = (k: string) => {
    const v = one(k);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
  };
  const partition = int('partition');
  const offset = int('offset');
  const timestamp = int('timestamp');
  const startKind: StartKind =
    offset !== null ? 'offset' : timestamp !== null ? 'timestamp' : one('start') === 'oldest' ? 'oldest' : 'newest';
  return { partition, startKind, offset, timestamp };
}

export function startOf(p: BrowseParams): 'newest' | 'oldest' | { offset: number } | { timestamp: number } {
  if (p.startKind === 'offset') return { offset: p.offset ?? 0 };
  if (p.startKind === 'timestamp') return { timestamp: p.timestamp ?? 0 };
  return p.startKind;
}

export function firstBrowseInput(topic: string, p: BrowseParams) {
  return { topic, partitions: p.partition === null ? null : [p.partition], start: startOf(p), pageSize: PAGE_SIZE, filter: null };
}

/**
 * The read behind a record's permalink, shared by its server page (prefetch) and client component: the
 * message browser's (records.browse, a viewer's), not a consumer's Fetch, one record from `offset` on.
 */
export const recordPageQuery = (topic: string, partition: number, offset: number) => ({
  topic,
  partitions: [partition],
  start: { offset },
  pageSize: 1,
});

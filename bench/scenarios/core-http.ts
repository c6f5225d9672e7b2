import { closePools, httpGet, NEXT_API, startApp, trpcGet, trpcPost, trpcPostBody } from '../lib/app';
import type { BenchDatabase } from '../lib/env';
import type { Row } from '../lib/report';

/**
 * The HTTP cases of the core benchmark, through the built server (server/main.ts)
 * started as `npm run serve` starts it, with BROOK_BENCH_ROUTES=1: the same router is then also
 * reachable through a Next.js route handler (app/api/bench), the reference these cases are compared with.
 */
const SECTION = 'core';
export const HTTP_CLIENTS = 8;

const timed = async (fn: () => Promise<void>) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};

export const httpRecord = (i: number) => ({ key: `key-${String(i % 100_000).padStart(12, '0')}`, value: `value-${i}-`.padEnd(100, 'a') });

/** (3) HTTP produce through the running app, 1000 records per request, `clients` at once, one partition. */
export async function httpProduce(url: string, topic: string, requests: number): Promise<number> {
  await trpcPost(url, 'topics.create', { name: topic, partitions: 1 });
  await trpcPost(url, 'records.produce', { topic, records: [httpRecord(0)] }); // warm up
  // Bodies are serialized before the clock starts (as the COPY floor's rows are encoded before it):
  // the load generator shares the machine's cores with the app and Postgres.
  const bodies = Array.from({ length: HTTP_CLIENTS }, (_, c) =>
    JSON.stringify({ topic, records: Array.from({ length: 1000 }, (_, i) => ({ ...httpRecord(c * 1000 + i), partition: 0 })) }),
  );
  const seconds = await timed(async () => {
    await Promise.all(
      bodies.map(async (body) => {
        for (let r = 0; r < requests / HTTP_CLIENTS; r++) await trpcPostBody(url, 'records.produce', body);
      }),
    );
  });
  return (requests * 1000) / seconds;
}

/** 64 clients, each calling `send(client, i)` again as soon as its last call returned, for `seconds`: calls per second. */
export async function sixtyFourClients(seconds: number, send: (client: number, i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 64 }, async (_, c) => {
      for (let i = 0; performance.now() < deadline; i++) {
        await send(c, i);
        done++;
      }
    }),
  );
  return done / seconds;
}

/** (4) 64 concurrent clients, each sending one record per request, for `seconds`, through `base` (the server's API or Next's). */
async function httpSingleRecordClients(url: string, topic: string, seconds: number, base?: string): Promise<number> {
  await trpcPost(url, 'topics.create', { name: topic, partitions: 1 });
  await trpcPost(url, 'records.produce', { topic, records: [httpRecord(0)] }, base); // warm up (Next compiles nothing, but loads the route)
  return sixtyFourClients(seconds, (c, i) =>
    trpcPost(url, 'records.produce', { topic, records: [{ ...httpRecord(c * 1_000_000 + i), partition: 0 }] }, base),
  );
}

/** 64 clients on a route that does nothing: `path` is Next's (app/api/bench/noop) or the server's own (/api/health/live). */
async function noopRequests(url: string, path: string, seconds: number): Promise<number> {
  await httpGet(url, path);
  return sixtyFourClients(seconds, () => httpGet(url, path));
}

async function httpFetchPaging(url: string, topic: string, n: number, encoding: 'utf8' | 'base64'): Promise<number> {
  const seconds = await timed(async () => {
    for (let offset = 0; offset < n; offset += 1000) {
      const page = await trpcGet<{ records: unknown[] }>(url, 'records.fetch', {
        topic,
        partition: 0,
        offset,
        maxRecords: 1000,
        maxBytes: 8 << 20,
        encoding,
      });
      if (page.records.length !== 1000) throw new Error('short page');
    }
  });
  return n / seconds;
}

/** What the HTTP cases compare with, measured earlier in the same run. */
export interface EngineBaselines {
  /** (2) engine produce, 1 partition, batch 1000. */
  engineBatch1000: number;
  /** (5) raw SELECT paging, 1000 per page (over the topic `pagingTopic`, already written). */
  rawPaging: number;
  pagingTopic: string;
  pagingN: number;
}

export async function runHttpCases(bench: BenchDatabase, quick: boolean, base: EngineBaselines): Promise<Row[]> {
  const rows: Row[] = [];
  const seconds = quick ? 2 : 5;
  const scale = quick ? 0.2 : 1;
  const app = await startApp(3390, { DATABASE_URL: bench.url, BROOK_BENCH_ROUTES: '1' });
  let [next, direct, viaNext, onRate] = [0, 0, 0, 0];
  try {
    const httpRate = await httpProduce(app.url, 'bench-http-1000', Math.round(200 * scale));
    rows.push({
      section: SECTION,
      case: `(3) HTTP produce, 1000 records/request, ${HTTP_CLIENTS} clients, 1 partition`,
      value: httpRate,
      unit: 'rec/s',
      ratio: httpRate / base.engineBatch1000,
      baseline: 'of (2) engine batch 1000',
      target: '>= 0.85x',
      met: httpRate / base.engineBatch1000 >= 0.85,
    });
    next = await noopRequests(app.url, '/api/bench/noop', seconds);
    rows.push({ section: SECTION, case: `(4) reference: 64 clients on a no-op Next.js route handler`, value: next, unit: 'req/s' });
    direct = await noopRequests(app.url, '/api/health/live', seconds);
    rows.push({
      section: SECTION,
      case: `(4) 64 clients on a no-op route served by the server (/api/health/live)`,
      value: direct,
      unit: 'req/s',
      ratio: direct / next,
      baseline: 'of no-op Next route',
    });
    viaNext = await httpSingleRecordClients(app.url, 'bench-http-64-next', seconds, NEXT_API);
    rows.push({
      section: SECTION,
      case: `(4) 64 single-record HTTP producers through a Next.js route handler, coalescing on`,
      value: viaNext,
      unit: 'rec/s',
      ratio: viaNext / next,
      baseline: 'of no-op Next route',
    });
    onRate = await httpSingleRecordClients(app.url, 'bench-http-64-on', seconds);
    // UTF-8 text (the API's default) and base64 (what the client library asks for: Postgres encodes it).
    for (const encoding of ['utf8', 'base64'] as const) {
      const httpPaging = await httpFetchPaging(app.url, base.pagingTopic, base.pagingN, encoding);
      rows.push({
        section: SECTION,
        case: `(5) HTTP fetch paging (JSON, ${encoding === 'utf8' ? 'UTF-8 text' : 'base64'}), 1000 per page`,
        value: httpPaging,
        unit: 'rec/s',
        ratio: httpPaging / base.rawPaging,
        baseline: 'of raw SELECT',
        target: '>= 0.6x',
        met: httpPaging / base.rawPaging >= 0.6,
      });
    }
  } finally {
    await app.stop();
  }
  const off = await startApp(3391, { DATABASE_URL: bench.url, BROOK_COALESCE: '0' });
  try {
    const offRate = await httpSingleRecordClients(off.url, 'bench-http-64-off', seconds);
    rows.push({ section: SECTION, case: `(4) 64 single-record HTTP producers, server, coalescing off`, value: offRate, unit: 'rec/s' });
    rows.push({
      section: SECTION,
      case: `(4) 64 single-record HTTP producers, server, coalescing on`,
      value: onRate,
      unit: 'rec/s',
      ratio: onRate / viaNext,
      baseline: 'of the same through Next',
      target: '>= 3x and >= 4,000 rec/s',
      met: onRate / viaNext >= 3 && onRate >= 4000,
    });
    rows.push({
      section: SECTION,
      case: `(4) coalescing on against off, server`,
      value: onRate / offRate,
      unit: 'x',
      ratio: onRate / offRate,
      baseline: 'of coalescing off',
    });
    rows.push({
      section: SECTION,
      case: `(4) coalescing on, as a share of the server's no-op route`,
      value: onRate / direct,
      unit: 'x',
      ratio: onRate / direct,
      baseline: 'of no-op direct route',
    });
  } finally {
    await off.stop();
    await closePools();
  }
  return rows;
}

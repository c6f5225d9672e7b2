import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '@/server/api/root';
import { BrookHttp } from '@/server/client/http';
import { closePools, startApp, trpcPost } from '../lib/app';
import type { BenchDatabase } from '../lib/env';
import type { Row } from '../lib/report';
import { httpRecord, sixtyFourClients } from './core-http';

/**
 * The client library's transport (server/client/http.ts: fetch, tRPC's JSON wire format by hand) against
 * @trpc/client (httpLink, no batching: the same HTTP requests) on the hot paths, against the built server.
 * Both use Node's global fetch. The two run in alternating rounds and each case reports the median round,
 * so a slow stretch of a noisy machine lands on both sides.
 */
const SECTION = 'client';
const ROUNDS = 5;
const CLIENTS = 8;

interface Transport {
  produce(input: { topic: string; records: Array<{ key: string; value: string; partition: number }> }): Promise<unknown>;
  fetch(input: { topic: string; partition: number; offset: number; maxRecords: number; maxBytes: number }): Promise<{ records: unknown[] }>;
}

function handWritten(url: string): Transport {
  const http = new BrookHttp({ url, retry: false });
  return {
    produce: (input) => http.mutate('records.produce', input),
    fetch: (input) => http.query('records.fetch', input),
  };
}

function trpcClient(url: string): Transport {
  const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/api/trpc` })] });
  return {
    produce: (input) => client.records.produce.mutate(input),
    fetch: (input) => client.records.fetch.query(input),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timedRate(n: number, fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return n / ((performance.now() - t0) / 1000);
}

export async function runClientBench(bench: BenchDatabase, quick: boolean): Promise<{ rows: Row[]; notes: string[] }> {
  const scale = quick ? 0.2 : 1;
  const seconds = quick ? 1 : 3;
  const app = await startApp(3392, { DATABASE_URL: bench.url });
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const topic = 'bench-client';
    await trpcPost(app.url, 'topics.create', { name: topic, partitions: 1 });
    const transports = { 'hand-written': handWritten(app.url), '@trpc/client': trpcClient(app.url) };
    const batches = Array.from({ length: CLIENTS }, (_, c) =>
      Array.from({ length: 1000 }, (_, i) => ({ ...httpRecord(c * 1000 + i), partition: 0 })),
    );
    const requests = Math.round(80 * scale);
    const pages = Math.round(100 * scale);
    const results: Record<string, Record<string, number[]>> = {};
    const record = (name: string, side: string, value: number) => {
      results[name] ??= {};
      results[name][side] ??= [];
      results[name][side].push(value);
    };
    // Warm up both, and write what the paging reads (offsets 0 to pages * 1000).
    for (const t of Object.values(transports)) await t.produce({ topic, records: batches[0] });
    for (let p = 0; p < pages; p++) await transports['hand-written'].produce({ topic, records: batches[p % CLIENTS] });
    for (let round = 0; round < ROUNDS; round++) {
      for (const [side, t] of round % 2 === 0 ? Object.entries(transports) : Object.entries(transports).reverse()) {
        console.log(`client: round ${round + 1}, ${side}`);
        const produced = await timedRate(requests * 1000, async () => {
          await Promise.all(
            batches.map(async (records) => {
              for (let r = 0; r < requests / CLIENTS; r++) await t.produce({ topic, records });
            }),
          );
        });
        record(`produce, 1000 records/request, ${CLIENTS} clients`, side, produced);
        const single = await sixtyFourClients(seconds, (c, i) =>
          t.produce({ topic, records: [{ ...httpRecord(c * 1_000_000 + i), partition: 0 }] }),
        );
        record('produce, 1 record/request, 64 clients', side, single);
        const fetched = await timedRate(pages * 1000, async () => {
          for (let p = 0; p < pages; p++) {
            const page = await t.fetch({ topic, partition: 0, offset: p * 1000, maxRecords: 1000, maxBytes: 8 << 20 });
            if (page.records.length !== 1000) throw new Error('short page');
          }
        });
        record('fetch paging, 1000 per page (UTF-8 JSON)', side, fetched);
      }
    }
    for (const [name, sides] of Object.entries(results)) {
      const a = median(sides['hand-written']);
      const b = median(sides['@trpc/client']);
      const unit = 'rec/s';
      rows.push({ section: SECTION, case: `${name}: hand-written transport`, value: a, unit });
      rows.push({ section: SECTION, case: `${name}: @trpc/client httpLink`, value: b, unit, ratio: b / a, baseline: 'of hand-written' });
      // Each round's ratio (its @trpc/client run against its hand-written run): the spread says how far the median can be trusted.
      const perRound = sides['@trpc/client'].map((v, i) => (v / sides['hand-written'][i]).toFixed(2)).join(' ');
      notes.push(`client: ${name}: @trpc/client / hand-written per round: ${perRound}`);
    }
  } finally {
    await app.stop();
    await closePools();
  }
  return {
    rows,
    notes: [
      `client: medians of ${ROUNDS} alternating rounds; both transports over Node's fetch against the built server on one database.`,
      ...notes,
    ],
  };
}

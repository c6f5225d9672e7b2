import { createBroker } from '@/server/broker';
import { closePools, httpGetPage, startApp } from '../lib/app';
import { type BenchDatabase, sampleRecord } from '../lib/env';
import { percentile, type Row } from '../lib/report';

/**
 * The console's pages on a big topic (10M records over 12 partitions). Each page is
 * fetched whole through the built server (`npm run serve`) on loopback, so the time is the server's (render, queries) plus a
 * loopback round trip. The overview's totals come from watermark rows and counters: their plans are
 * checked not to touch the records table.
 */
const SECTION = 'console';
const PARTITIONS = 12;

async function fill(bench: BenchDatabase, topic: string, total: number): Promise<number> {
  const db = await bench.open(PARTITIONS + 2);
  const broker = createBroker(db);
  const started = performance.now();
  try {
    await broker.createTopic({ name: topic, partitions: PARTITIONS });
    const perPartition = total / PARTITIONS;
    const batch = Array.from({ length: 5000 }, (_, i) => sampleRecord(i));
    await Promise.all(
      Array.from({ length: PARTITIONS }, async (_, p) => {
        const mine = batch.map((r) => ({ ...r, partition: p }));
        for (let sent = 0; sent < perPartition; sent += mine.length) {
          await broker.produce(topic, sent + mine.length <= perPartition ? mine : mine.slice(0, perPartition - sent));
        }
      }),
    );
    await db.query('VACUUM ANALYZE records'); // as autovacuum would, so plans see the real sizes
  } finally {
    await broker.close();
    await db.close();
  }
  return (performance.now() - started) / 1000;
}

async function timePage(url: string, path: () => string, n: number): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) await httpGetPage(url, path()); // warm up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await httpGetPage(url, path());
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** The aggregate queries behind the overview, explained: none may read a records partition. */
async function overviewPlansAvoidRecords(bench: BenchDatabase): Promise<boolean> {
  const db = await bench.open(2);
  try {
    const queries = [
      `SELECT (SELECT count(*) FROM topics), (SELECT count(*) FROM topic_partitions),
              (SELECT COALESCE(sum(high_watermark - log_start_offset - removed_records), 0) FROM topic_partitions),
              (SELECT COALESCE(sum(bytes), 0) FROM topic_partitions), (SELECT count(*) FROM consumer_groups)`,
      `SELECT t.name, t.partition_count, COALESCE(sum(tp.high_watermark - tp.log_start_offset - tp.removed_records), 0)
         FROM topics t JOIN topic_partitions tp ON tp.topic_id = t.id GROUP BY t.id`,
    ];
    for (const q of queries) {
      const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q}`);
      if (plan.some((r) => /records_p\d+|\brecords\b/.test(r['QUERY PLAN']))) return false;
    }
    return true;
  } finally {
    await db.close();
  }
}

export async function runConsoleBench(bench: BenchDatabase, quick: boolean): Promise<{ rows: Row[]; notes: string[] }> {
  const total = quick ? 1_200_000 : 10_000_008; // divisible by 12
  const topic = 'bench-console';
  console.log(`filling ${topic} with ${total.toLocaleString()} records over ${PARTITIONS} partitions...`);
  const fillSeconds = await fill(bench, topic, total);
  const rows: Row[] = [];
  const app = await startApp(3396, { DATABASE_URL: bench.url });
  try {
    const perPartition = total / PARTITIONS;
    const randomOffset = () => Math.floor(Math.random() * perPartition);
    const randomPartition = () => Math.floor(Math.random() * PARTITIONS);
    const n = quick ? 15 : 40;
    const cases: Array<[string, () => string]> = [
      ['topic page (messages tab, newest of all partitions)', () => `/topics/${topic}`],
      [
        'message page at a random offset (?partition=&offset=)',
        () => `/topics/${topic}?partition=${randomPartition()}&offset=${randomOffset()}`,
      ],
      ['record permalink at a random offset', () => `/topics/${topic}/${randomPartition()}/${randomOffset()}`],
      ['topic page, partitions tab (segments, sizes)', () => `/topics/${topic}?tab=partitions`],
      ['overview page', () => '/'],
      ['topics page', () => '/topics'],
    ];
    for (const [label, path] of cases) {
      console.log(`  ${label}...`);
      const t = await timePage(app.url, path, n);
      const gated = label.startsWith('topic page (') || label.startsWith('message page');
      rows.push({
        section: SECTION,
        case: `${label}: p50`,
        value: t.p50,
        unit: 'ms',
        ...(gated ? { target: '< 300 ms', met: t.p50 < 300 } : {}),
      });
      rows.push({
        section: SECTION,
        case: `${label}: p95`,
        value: t.p95,
        unit: 'ms',
        ...(gated ? { target: '< 300 ms', met: t.p95 < 300 } : {}),
      });
    }
  } finally {
    await app.stop();
    await closePools();
  }
  const clean = await overviewPlansAvoidRecords(bench);
  rows.push({
    section: SECTION,
    case: 'overview aggregates read no records table (EXPLAIN)',
    value: clean ? 1 : 0,
    unit: clean ? '(yes)' : '(NO)',
    met: clean,
    target: 'no scan',
  });
  return {
    rows,
    notes: [
      `console: ${total.toLocaleString()} records of 16 B keys and 100 B values over ${PARTITIONS} partitions, written in ${Math.round(fillSeconds)} s through the engine; each page fetched whole (server render + loopback).`,
    ],
  };
}

import path from 'node:path';
import { ensureBuilt } from './lib/app';
import { createBenchDatabase } from './lib/env';
import { appendResults, machine, type Row, table } from './lib/report';
import { runAuthBench } from './scenarios/auth';
import { runClientBench } from './scenarios/client';
import { runConsoleBench } from './scenarios/console';
import { runCoreBench } from './scenarios/core';
import { runGroupsBench } from './scenarios/groups';
import { runIdempotencyBench } from './scenarios/idempotency';
import { runKafkaBench } from './scenarios/kafka';

/**
 * `npm run bench`: every scenario against a fresh database on the Postgres server
 * (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres),
 * printed as one table and appended with the machine to bench/RESULTS.md.
 * BENCH_QUICK=1 runs a smaller version (a smoke check, not for the record).
 */
async function main() {
  const quick = process.env.BENCH_QUICK === '1';
  const only = process.argv.slice(2);
  ensureBuilt();
  const bench = await createBenchDatabase();
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const suites: Record<string, () => Promise<{ rows: Row[]; notes: string[] }>> = {
      core: () => runCoreBench(bench, quick),
      groups: () => runGroupsBench(bench, quick),
      console: () => runConsoleBench(bench, quick),
      kafka: () => runKafkaBench(bench, quick),
      idempotency: () => runIdempotencyBench(bench, quick),
      auth: () => runAuthBench(bench, quick),
      client: () => runClientBench(bench, quick),
    };
    for (const [name, run] of Object.entries(suites)) {
      if (only.length && !only.includes(name)) continue;
      console.log(`\n== ${name} ==`);
      const result = await run();
      rows.push(...result.rows);
      notes.push(...result.notes);
    }
  } finally {
    await bench.drop();
  }
  const machineLine = machine(bench.version);
  console.log(`\n${machineLine}\n`);
  console.log(table(rows));
  if (!quick)
    appendResults(path.join('bench', 'RESULTS.md'), `npm run bench${only.length ? ` ${only.join(' ')}` : ''}`, machineLine, rows, notes);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

import { type FuzzResult, runFuzz } from './runner';
import { allTargets, httpAuthAvailable } from './targets';

/**
 * `npm run fuzz [-- --seed N] [--cases M] [--only name,...]`: property-based inputs to every tRPC procedure
 * (through the HTTP edge) and to the Kafka frame decoder (the dispatcher and a live listener). PGlite in
 * memory, or a fresh database on DATABASE_URL's server. Exits 1 on any failure, with the seed and the shrunk
 * counterexample to replay.
 */
export function parseArgs(argv: readonly string[], authDefault = true): { seed: number; cases: number; only: string[]; auth: boolean } {
  const out = { seed: Math.floor(Math.random() * 2 ** 31), cases: 10_000, only: [] as string[], auth: authDefault };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = inline ?? argv[++i];
    if (flag === '--seed') out.seed = Number(value);
    else if (flag === '--cases') out.cases = Number(value);
    else if (flag === '--only') out.only = (value ?? '').split(',').filter(Boolean);
    else if (flag === '--auth' && (value === 'on' || value === 'off')) out.auth = value === 'on';
    else throw new Error(`unknown argument ${argv[i]} (use --seed N, --cases M, --only name,..., --auth on|off)`);
    if (!Number.isSafeInteger(out.seed) || !Number.isSafeInteger(out.cases) || out.cases < 1)
      throw new Error(`bad value for ${flag}: ${value}`);
  }
  return out;
}

export function table(result: FuzzResult): string {
  const rows = result.results.map((r) => [r.name, String(r.cases), String(r.failures), `${(r.ms / 1000).toFixed(1)} s`]);
  const total = result.results.reduce((a, r) => ({ cases: a.cases + r.cases, failures: a.failures + r.failures, ms: a.ms + r.ms }), {
    cases: 0,
    failures: 0,
    ms: 0,
  });
  rows.push(['total', String(total.cases), String(total.failures), `${(total.ms / 1000).toFixed(1)} s`]);
  const head = ['target', 'cases', 'failures', 'time'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(0, -1).map(line),
    widths.map((w) => '-'.repeat(w)).join('  '),
    line(rows[rows.length - 1]),
  ].join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2), httpAuthAvailable());
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  console.log(
    `[fuzz] seed ${args.seed}, ${args.cases} cases, ${databaseUrl ? 'DATABASE_URL' : 'PGlite'}, auth ${args.auth ? 'on' : 'off'}`,
  );
  const result = await runFuzz({ ...args, databaseUrl, ...allTargets() });
  console.log(`\n[fuzz] ${result.database}, seed ${result.seed}\n`);
  console.log(table(result));
  const failed = result.results.filter((r) => r.failures > 0);
  console.log(`\nunhandled rejections / uncaught exceptions: ${result.processEvents}`);
  if (failed.length || result.processEvents) {
    console.log(`\n[fuzz] FAILED: ${failed.map((r) => r.name).join(', ')} (replay with --seed ${result.seed} --only <target>)`);
    for (const r of failed) console.log(`\n${r.name}\n${r.report}`);
    process.exit(1);
  }
  console.log('\n[fuzz] ok');
  process.exit(0);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')) {
  main().catch((err) => {
    console.error('[fuzz] could not run:', err);
    process.exit(2);
  });
}

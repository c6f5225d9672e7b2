import type { Counts } from './checker';
import type { RunResult } from './run';

type Row = [label: string, cell: (r: RunResult) => string, mustBe?: string];

const count = (k: keyof Counts) => (r: RunResult) => (r.verdict ? String(r.verdict.counts[k]) : '?');
const ms = (values: number[]) => {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[Math.floor(sorted.length / 2)]} / ${sorted[sorted.length - 1]}`;
};

const ROWS: Row[] = [
  ['Brook SIGKILLs', (r) => String(r.faults.brookKills)],
  ['Postgres stops (immediate)', (r) => (r.db === 'postgres' ? String(r.faults.postgresStops) : '-')],
  ['Brook start to listening, ms (p50 / max)', (r) => ms(r.faults.brookStartsMs)],
  ['Postgres start, ms (p50 / max)', (r) => ms(r.faults.postgresStartsMs)],
  ['sends (failed after retries)', (r) => `${r.sends} (${r.failedSends})`],
  ['HTTP requests (network errors / 5xx)', (r) => `${r.http.requests} (${r.http.networkErrors} / ${r.http.serverErrors})`],
  ['produce attempts in doubt (cut or 5xx), retried', (r) => String(r.http.producesInDoubt)],
  ['acknowledged', count('acknowledged')],
  ['lost (acknowledged, not in the log)', count('lost'), '0'],
  ['misplaced (not at the acked offset)', count('misplaced'), '0'],
  ['duplicated (one id at two offsets)', count('duplicated'), '0'],
  ['corrupted (checksum)', count('corrupted'), '0'],
  ['offset gaps', count('gaps'), '0'],
  ['unacknowledged but present', count('unacknowledgedPresent')],
  ['records in the log', count('logRecords')],
  ['processed by the group', count('processed')],
  ['processed twice', count('processedTwice')],
  ['  not uncommitted work of a lost owner', count('processedTwiceUnexplained'), '0'],
  ['never processed', count('unprocessed'), '0'],
  ['processed, not what the log holds', count('processedNotInLog'), '0'],
  ['final commit not at the high watermark', count('commitsNotAtEnd'), '0'],
  ['revocations (after FENCED)', (r) => `${r.revocations} (${r.fencings})`],
  ['Brook exits nobody caused', (r) => String(r.brookUnexpectedExits), '0'],
  ['group caught up after, ms', (r) => (r.catchUpMs === null ? 'never' : String(r.catchUpMs))],
  ['run took, s', (r) => (r.elapsedMs / 1000).toFixed(1)],
  ['verdict', (r) => (failures(r).length === 0 ? 'PASS' : 'FAIL')],
];

/** Everything wrong with a run: the checker's broken invariants, an aborted run, a Brook that died by itself. */
export function failures(r: RunResult): string[] {
  const out = [...(r.verdict?.failures ?? [])];
  if (r.error) out.unshift(`the run stopped: ${r.error}`);
  if (r.brookUnexpectedExits > 0) out.push(`Brook exited by itself ${r.brookUnexpectedExits} time(s)`);
  return out;
}

export function table(results: RunResult[]): string {
  const header = ['', 'must be', ...results.map((r) => r.db)];
  const body = ROWS.map(([label, cell, mustBe]) => [label, mustBe ?? '', ...results.map(cell)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

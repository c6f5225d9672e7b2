import type { Counts } from './checker';
import type { RunResult } from './run';

type Row = [label: string, cell: (r: RunResult) => string];

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
  ['acknowledged', count('acknowledged')],
  ['lost (acknowledged, not in the log)   = 0', count('lost')],
  ['misplaced (not at the acked offset)   = 0', count('misplaced')],
  ['duplicated (one id at two offsets)    = 0', count('duplicated')],
  ['corrupted (checksum)                  = 0', count('corrupted')],
  ['offset gaps                           = 0', count('gaps')],
  ['unacknowledged but present', count('unacknowledgedPresent')],
  ['records in the log', count('logRecords')],
  ['processed by the group', count('processed')],
  ['processed twice', count('processedTwice')],
  ['  not uncommitted work of a lost owner = 0', count('processedTwiceUnexplained')],
  ['never processed                       = 0', count('unprocessed')],
  ['processed, not what the log holds     = 0', count('processedNotInLog')],
  ['final commit not at the high watermark = 0', count('commitsNotAtEnd')],
  ['revocations (after FENCED)', (r) => `${r.revocations} (${r.fencings})`],
  ['Brook exits nobody caused             = 0', (r) => String(r.brookUnexpectedExits)],
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
  const header = ['', ...results.map((r) => r.db)];
  const body = ROWS.map(([label, cell]) => [label, ...results.map(cell)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One line of the results table. `ratio` compares against the named baseline measured in the same run. */
export interface Row {
  section: string;
  case: string;
  value: number;
  unit: string;
  ratio?: number;
  baseline?: string;
  target?: string;
  met?: boolean;
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(n);

export function machine(postgresVersion: string): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let nproc = String(os.cpus().length);
  try {
    nproc = execSync('nproc').toString().trim();
  } catch {
    /* keep os.cpus() */
  }
  return [
    `${nproc} CPUs (${cpu})`,
    `${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM`,
    `${os.type()} ${os.release()}`,
    `Node ${process.version}`,
    postgresVersion,
  ].join(', ');
}

export function table(rows: Row[]): string {
  const head = ['section', 'case', 'result', 'ratio', 'target', 'met'];
  const body = rows.map((r) => [
    r.section,
    r.case,
    `${fmt(r.value, r.value < 100 ? 2 : 0)} ${r.unit}`,
    r.ratio === undefined ? '' : `${fmt(r.ratio, 2)}x ${r.baseline ?? ''}`.trim(),
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export function appendResults(file: string, title: string, machineLine: string, rows: Row[], notes: string[]): void {
  const when = `${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  const block = [`## ${title}: ${when}`, '', `Machine: ${machineLine}`, '', table(rows), '', ...notes.map((n) => `- ${n}`), '', ''].join(
    '\n',
  );
  const header =
    '# Benchmark results\n\nAppended by `npm run bench`; newest last. Every ratio compares two measurements from the same run on the same machine.\n\n';
  if (!fs.existsSync(file)) fs.writeFileSync(file, header);
  fs.appendFileSync(file, block);
  console.log(`\nappended to ${path.relative(process.cwd(), file)}`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

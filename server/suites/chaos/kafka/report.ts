import type { GroupCounts, ProducerCounts } from './checker';
import { PG_FAULT_KINDS, PG_FAULT_LABELS } from './faults';
import type { KafkaRunResult } from './run';

/** Columns: the run as a whole, then each producer, then each group. */
type Column = { kind: 'run' } | { kind: 'producer'; i: number } | { kind: 'group'; i: number };
type Cell = (r: KafkaRunResult, c: Column) => string;
type Row = [label: string, cell: Cell, mustBe?: string];

const p50max = (values: number[]) => {
  if (values.length === 0) return '-';
  const sorted = values.map(Math.round).sort((a, b) => a - b);
  return `${sorted[Math.floor(sorted.length / 2)]} / ${sorted[sorted.length - 1]}`;
};

const run =
  (f: (r: KafkaRunResult) => string): Cell =>
  (r, c) =>
    c.kind === 'run' ? f(r) : '';
const producer =
  (f: (p: ProducerCounts, idempotent: boolean) => string): Cell =>
  (r, c) => {
    if (c.kind !== 'producer') return '';
    const p = r.verdict?.producers[c.i];
    return p ? f(p.counts, p.idempotent) : '?';
  };
const group =
  (f: (g: GroupCounts) => string): Cell =>
  (r, c) => {
    if (c.kind !== 'group') return '';
    const g = r.verdict?.groups[c.i];
    return g ? f(g.counts) : '?';
  };
/** A count that must be 0 for an idempotent producer and is allowed (at least once) for the others. */
const idempotentZero = (n: number, idempotent: boolean) => (idempotent || n === 0 ? String(n) : `${n} (allowed)`);

const ROWS: Row[] = [
  ['cycles (the 4 Postgres faults each)', run((r) => String(r.cycles))],
  [
    'Postgres faults: fast 2 s / fast 10 s / immediate / restart',
    run((r) => PG_FAULT_KINDS.map((k) => r.faults.filter((f) => f.kind === k).length).join(' / ')),
  ],
  ['Postgres start (or restart), ms (p50 / max)', run((r) => p50max(r.faults.map((f) => f.startMs)))],
  ['records in the log', run((r) => (r.verdict ? String(r.verdict.log.records) : '?')), ''],
  ['offset gaps', run((r) => (r.verdict ? String(r.verdict.log.gaps) : '?')), '0'],
  ['corrupted (checksum, key, unknown id)', run((r) => (r.verdict ? String(r.verdict.log.corrupted) : '?')), '0'],
  ['Brook exits nobody caused', run((r) => String(r.brookUnexpectedExits)), '0'],
  ['sent', producer((p) => String(p.sent))],
  ['acknowledged', producer((p) => String(p.acknowledged))],
  ['given up by the client', producer((p) => String(p.deliveryFailures)), '0'],
  ['lost (acknowledged, not in the log)', producer((p) => String(p.lost)), '0'],
  ['misplaced (not at the acknowledged offset)', producer((p) => String(p.misplaced)), '0'],
  ['duplicated (one id at two offsets)', producer((p, idem) => idempotentZero(p.duplicated, idem)), '0 (idem)'],
  ['out of send order in a partition', producer((p, idem) => idempotentZero(p.outOfOrder, idem)), '0 (idem)'],
  ['unacknowledged but present', producer((p) => String(p.unacknowledgedPresent))],
  ['client errors reported (not fatal)', (r, c) => clientErrors(r, c)],
  [
    'client fatal errors',
    (r, c) => (c.kind === 'producer' ? producer((p) => String(p.fatal))(r, c) : group((g) => String(g.fatal))(r, c)),
    '0',
  ],
  [
    'first ack after Postgres back, ms (p50 / max)',
    producer((p) => {
      const known = p.firstAckMs.filter((ms) => ms !== null);
      const never = p.firstAckMs.length - known.length;
      return `${p50max(known)}${never ? ` (${never} never)` : ''}`;
    }),
  ],
  ['  recoveries above the bound (or never)', producer((p) => String(p.slowRecoveries)), '0'],
  [
    'sends, ms (p50 / max), retries included',
    (r, c) => (c.kind !== 'producer' ? '' : r.producers[c.i]?.sendMs ? p50max(r.producers[c.i].sendMs ?? []) : '-'),
  ],
  ['processed (repeats)', group((g) => `${g.processed} (${g.processedTwice})`)],
  ['never processed', group((g) => String(g.unprocessed)), '0'],
  ['processed, not what the log holds', group((g) => String(g.processedNotInLog)), '0'],
  ['commits seen', group((g) => String(g.commits))],
  ['  beyond what the group had processed', group((g) => String(g.skippingCommits)), '0'],
  ['unprocessed below the final commit', group((g) => String(g.unprocessedBelowCommit)), '0'],
  ['final commit not at the high watermark', group((g) => String(g.commitsNotAtEnd)), '0'],
  ['members alive and assigned at the end', group((g) => `${g.members - g.membersOut} / ${g.members}`), 'all'],
  ['members Brook lists at the end', group((g) => (g.brookMembers < 0 ? '?' : String(g.brookMembers))), 'all'],
  ['partitions without exactly one owner', group((g) => String(g.partitionsMisowned)), '0'],
  ['assignments seen', (r, c) => (c.kind === 'group' ? String(r.groups[c.i]?.assignments ?? '?') : '')],
  ['sessions the client timed out itself', (r, c) => (c.kind === 'group' ? String(r.groups[c.i]?.sessionTimeouts ?? '-') : '')],
  ['groups caught up and committed after, ms', run((r) => (r.catchUpMs === null ? 'never' : String(r.catchUpMs)))],
  ['run took, s', run((r) => (r.elapsedMs / 1000).toFixed(1))],
  ['verdict', run((r) => (kafkaFailures(r).length === 0 ? 'PASS' : 'FAIL'))],
];

function clientErrors(r: KafkaRunResult, c: Column): string {
  const s = c.kind === 'producer' ? r.producers[c.i] : c.kind === 'group' ? r.groups[c.i] : null;
  if (!s) return '';
  const extra = s.remade ? ` (${s.remade} producers re-made)` : s.restartedCrashes ? ` (${s.restartedCrashes} crashes, restarted)` : '';
  return `${s.errors}${extra}`;
}

/** Everything wrong with a run: the checker's broken invariants, an aborted run, a Brook that died by itself. */
export function kafkaFailures(r: KafkaRunResult): string[] {
  const out = [...(r.verdict?.failures ?? [])];
  if (r.error) out.unshift(`the run stopped: ${r.error}`);
  if (r.brookUnexpectedExits > 0) out.push(`Brook exited by itself ${r.brookUnexpectedExits} time(s)`);
  return out;
}

function format(header: string[], body: string[][]): string {
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export function kafkaTable(r: KafkaRunResult, firstAckBoundMs: number): string {
  const columns: Column[] = [
    { kind: 'run' },
    ...r.producers.map((_, i) => ({ kind: 'producer', i }) as const),
    ...r.groups.map((_, i) => ({ kind: 'group', i }) as const),
  ];
  const header = ['', 'must be', 'run', ...r.producers.map((p) => p.name), ...r.groups.map((g) => g.name)];
  const body = ROWS.map(([label, cell, mustBe]) => {
    const must = label.startsWith('  recoveries') ? `0 (≤ ${firstAckBoundMs} ms)` : (mustBe ?? '');
    return [label, must, ...columns.map((c) => cell(r, c))];
  });
  return format(header, body);
}

/** One row per fault: when it struck, how long Postgres took to come back, each producer's first acknowledgement after. */
export function faultTable(r: KafkaRunResult): string {
  if (r.faults.length === 0) return '';
  const first = r.faults[0].stoppedAt;
  const header = [
    'fault',
    'at, s',
    'struck (UTC)',
    'stop, ms',
    'down until back, ms',
    'start, ms',
    ...r.producers.map((p) => `${p.name} first ack, ms`),
  ];
  const body = r.faults.map((f, i) => [
    PG_FAULT_LABELS[f.kind],
    ((f.stoppedAt - first) / 1000).toFixed(1),
    new Date(f.stoppedAt).toISOString().slice(11, 23),
    String(f.stopMs),
    String(f.backAt - f.stoppedAt),
    String(f.startMs),
    ...r.producers.map((_, k) => {
      const ms = r.verdict?.producers[k]?.counts.firstAckMs[i];
      return ms === undefined ? '?' : ms === null ? 'never' : String(Math.round(ms));
    }),
  ]);
  return format(header, body);
}

import { Badge } from '@/components/ui/bits';

const TONE: Record<string, 'ok' | 'warn' | 'err' | 'neutral'> = {
  OK: 'ok',
  WARN: 'warn',
  ERR: 'err',
  STALL: 'err',
  STOP: 'err',
  REWIND: 'err',
};
const MEANING: Record<string, string> = {
  OK: 'Keeping up, or caught up recently',
  WARN: 'Committing, but the lag grew at every commit',
  ERR: 'A partition is stopped, stalled or rewound',
  STALL: 'Committing the same offset while there is lag',
  STOP: 'No commits for longer than the window, with lag',
  REWIND: 'The committed offset went backwards',
};

/** Burrow-style statuses, best first: sorting by this puts the troubled groups and partitions last (or first, descending). */
const SEVERITY = ['OK', 'WARN', 'ERR', 'STALL', 'STOP', 'REWIND'];
export const statusSeverity = (status: string) => SEVERITY.indexOf(status);

/** Burrow-style status: OK / WARN / ERR for a group, OK / WARN / STALL / STOP / REWIND for a partition. */
export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <Badge tone={TONE[status] ?? 'neutral'} testId={testId} title={MEANING[status]}>
      {status}
    </Badge>
  );
}

const STATE_TONE: Record<string, 'ok' | 'warn' | 'neutral' | 'accent'> = {
  Stable: 'ok',
  Reconciling: 'warn',
  Assigning: 'warn',
  Empty: 'neutral',
  Dead: 'neutral',
};

export function GroupStateBadge({ state, testId }: { state: string; testId?: string }) {
  return (
    <Badge tone={STATE_TONE[state] ?? 'neutral'} testId={testId}>
      {state}
    </Badge>
  );
}

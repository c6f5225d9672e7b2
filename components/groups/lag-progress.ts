import { formatDuration } from '@/components/ui/format';

/** What the broker says about where a lag is going (server/broker/groups/lag-history.ts LagProgress). */
export interface ProgressLike {
  progress: 'caught-up' | 'clearing' | 'not-shrinking' | 'stopped' | 'unknown';
  timeToClearMs: number | null;
}

/**
 * "Clears in" as a reader should see it. `lag` is the freshest lag known (describe's); a partition or
 * group with none is caught up whatever an older rate reading says, and nobody consuming is "stopped".
 */
export function clearsIn(lag: number | null | undefined, rate: ProgressLike | null | undefined): string {
  if (lag === 0) return 'caught up';
  if (!rate) return '–';
  switch (rate.progress) {
    case 'clearing':
      return formatDuration(rate.timeToClearMs);
    case 'stopped':
      return 'stopped';
    case 'not-shrinking':
      return 'not shrinking';
    default:
      return '–';
  }
}

/** Under the group's time to clear: which partitions nobody consumes. */
export function stoppedHint(partitions: ReadonlyArray<ProgressLike>): string | undefined {
  const stopped = partitions.filter((p) => p.progress === 'stopped').length;
  const lagging = partitions.filter((p) => p.progress !== 'caught-up').length;
  if (stopped === 0) return undefined;
  return stopped === lagging ? 'nobody is consuming' : `${stopped} of ${lagging} lagging partitions stopped`;
}

/**
 * Consumer lag status following Burrow's evaluation rules (LinkedIn's lag monitor), over a window of a
 * partition's most recent offset commits, each with the high watermark at the moment it was committed.
 *
 *  - OK:     the consumer is caught up now (lag 0), or was at some point in the window, or is keeping up.
 *  - STOP:   lag > 0 and the time since the last commit exceeds the time the window spans.
 *  - REWIND: the committed offset went backwards within the window.
 *  - STALL:  lag > 0 all along, and every commit in the window is the same offset.
 *  - WARN:   offsets move, but the lag grew (or held) at every commit.
 * A group is ERR if any partition is STOP, STALL or REWIND; WARN if any is WARN; else OK.
 */
export type PartitionStatus = 'OK' | 'WARN' | 'STALL' | 'STOP' | 'REWIND';
export type GroupStatus = 'OK' | 'WARN' | 'ERR';

export interface CommitSample {
  offset: number;
  /** High watermark when the commit happened. */
  highWatermark: number;
  /** ms since epoch */
  at: number;
}

export const BURROW_WINDOW = 10;

/** `commits` oldest first (at most the last BURROW_WINDOW are considered); `currentLag` is now's lag. */
export function partitionStatus(commits: readonly CommitSample[], currentLag: number, now: number): PartitionStatus {
  if (currentLag <= 0) return 'OK';
  const window = commits.slice(-BURROW_WINDOW);
  if (window.length < 2) return 'OK'; // not enough history to judge
  const first = window[0];
  const last = window[window.length - 1];
  if (now - last.at > last.at - first.at) return 'STOP';
  for (let i = 1; i < window.length; i++) if (window[i].offset < window[i - 1].offset) return 'REWIND';
  const lags = window.map((c) => Math.max(0, c.highWatermark - c.offset));
  if (lags.some((l) => l === 0)) return 'OK';
  if (window.every((c) => c.offset === first.offset)) return 'STALL';
  let growing = true;
  for (let i = 1; i < lags.length; i++) if (lags[i] < lags[i - 1]) growing = false;
  return growing ? 'WARN' : 'OK';
}

export function groupStatus(statuses: readonly PartitionStatus[]): GroupStatus {
  if (statuses.some((s) => s === 'STOP' || s === 'STALL' || s === 'REWIND')) return 'ERR';
  if (statuses.some((s) => s === 'WARN')) return 'WARN';
  return 'OK';
}

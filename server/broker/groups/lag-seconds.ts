/**
 * Time lag, as kafka-lag-exporter measures it: how long ago the partition's log end was where the group
 * has committed. Found by interpolating the committed offset into the partition's (time, high watermark)
 * samples, the last of which is "now" with the current high watermark. Never extrapolated: when the
 * committed offset is older than every sample, the log end passed it before the first sample (a lower
 * bound that is measured), and the timestamp of the next record the group will read tells how old it is.
 */
export interface WatermarkPoint {
  at: number;
  highWatermark: number;
}

/**
 * `points` oldest first; `nextRecordAt` is the timestamp of the first record at or after `committed`
 * (null if unknown). Seconds, 0 when caught up, null when it cannot be told.
 */
export function estimateLagSeconds(
  points: readonly WatermarkPoint[],
  committed: number,
  highWatermark: number,
  now: number,
  nextRecordAt: number | null = null,
): number | null {
  if (committed >= highWatermark) return 0;
  const series = [...points.filter((p) => p.at <= now), { at: now, highWatermark }];
  for (let i = series.length - 2; i >= 0; i--) {
    const a = series[i];
    if (a.highWatermark > committed) continue;
    const b = series[i + 1];
    const t =
      b.highWatermark > a.highWatermark
        ? a.at + ((committed - a.highWatermark) / (b.highWatermark - a.highWatermark)) * (b.at - a.at)
        : a.at;
    return Math.max(0, (now - t) / 1000);
  }
  // Older than every sample: at least as old as the first sample, and as old as its record says.
  const before = series.length > 1 ? now - series[0].at : null;
  const record = nextRecordAt === null ? null : Math.max(0, now - nextRecordAt);
  if (before === null && record === null) return null;
  return Math.max(before ?? 0, record ?? 0) / 1000;
}

/** Whether the committed offset predates every sample (then the next record's timestamp is needed). */
export function needsRecordTime(points: readonly WatermarkPoint[], committed: number, highWatermark: number): boolean {
  return committed < highWatermark && !points.some((p) => p.highWatermark <= committed);
}

/**
 * Time lag, as kafka-lag-exporter estimates it: how long ago the partition's log end was where the group
 * has committed. Found by interpolating the committed offset into the partition's (time, high watermark)
 * samples, or, when it is older than every sample, by extrapolating at the average produce rate.
 */
export interface WatermarkPoint {
  at: number;
  highWatermark: number;
}

/** `points` oldest first. Seconds, 0 when caught up, null when it cannot be told (no samples, no growth). */
export function estimateLagSeconds(points: readonly WatermarkPoint[], committed: number, highWatermark: number, now: number): number | null {
  if (committed >= highWatermark) return 0;
  const series = [...points, { at: now, highWatermark }];
  for (let i = series.length - 2; i >= 0; i--) {
    const a = series[i];
    if (a.highWatermark > committed) continue;
    const b = series[i + 1];
    const t = b.highWatermark > a.highWatermark ? a.at + ((committed - a.highWatermark) / (b.highWatermark - a.highWatermark)) * (b.at - a.at) : a.at;
    return Math.max(0, (now - t) / 1000);
  }
  const first = series[0];
  const perMs = (highWatermark - first.highWatermark) / (now - first.at);
  if (!(perMs > 0)) return null;
  return (now - (first.at - (first.highWatermark - committed) / perMs)) / 1000;
}

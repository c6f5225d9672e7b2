/**
 * Where things sit on one partition's lane, in cell steps: the newest `fit` offsets as cells, older
 * ones summarized, and each group's committed offset as a marker whose distance to the head is its lag.
 * Pure, so the picture's arithmetic is tested without a browser.
 */
export interface LaneInput {
  logStartOffset: number;
  highWatermark: number;
  /** How many cells fit (and are drawn at most). */
  fit: number;
  markers: Array<{ key: string; committedOffset: number | null; lag: number }>;
}

export interface LaneMarker {
  key: string;
  committed: number;
  /** Position from the lane's left edge, in cells (0 = before the first drawn cell). */
  at: number;
  /** The committed offset is older than every drawn cell: drawn at the left edge, pointing out. */
  beyond: boolean;
  /** Cells between the marker and the head (the lag), as drawn. */
  span: number;
  lag: number;
}

export interface LaneLayout {
  first: number;
  offsets: number[];
  older: number;
  head: number;
  markers: LaneMarker[];
}

export function laneLayout({ logStartOffset, highWatermark, fit, markers }: LaneInput): LaneLayout {
  const cap = Math.max(0, Math.floor(fit));
  const first = Math.max(logStartOffset, highWatermark - cap);
  const offsets: number[] = [];
  for (let o = first; o < highWatermark; o++) offsets.push(o);
  const head = offsets.length;
  return {
    first,
    offsets,
    older: first - logStartOffset,
    head,
    markers: markers.map((m) => {
      // No committed offset yet: the group starts from the log start (earliest), as the example's do.
      const committed = m.committedOffset ?? logStartOffset;
      const at = Math.min(head, Math.max(0, committed - first));
      return { key: m.key, committed, at, beyond: committed < first, span: head - at, lag: m.lag };
    }),
  };
}

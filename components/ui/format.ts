/** Display helpers shared by the console's tables and charts. */
export const formatNumber = (n: number | null | undefined) => (n === null || n === undefined ? '–' : n.toLocaleString('en-US'));

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 && u > 0 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined) return '–';
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(perSecond >= 10_000 ? 0 : 1)}k/s`;
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = s / 60;
  if (m < 60) return Math.round(s % 60) ? `${Math.floor(m)} min ${Math.round(s % 60)} s` : `${Math.floor(m)} min`;
  const h = m / 60;
  if (h < 48 && Math.round(h) !== 24) return Math.floor(m % 60) ? `${Math.floor(h)} h ${Math.floor(m % 60)} min` : `${Math.floor(h)} h`;
  return `${Math.round(h / 24)} d`;
}

/** How long a process has been up: seconds at least ("8 ms" read as a fault, not as a fresh start). */
export const formatUptime = (ms: number | null | undefined): string =>
  ms !== null && ms !== undefined && ms < 1000 ? 'just started' : formatDuration(ms);

/** Every time the console shows is UTC, and says so (the team's decision: one zone, labelled). */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
}

/** Hours, minutes and seconds in UTC, for chart ticks (the axis says "UTC" once). */
export const formatClock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** "3 s ago" from a clock given by the caller: pure, so server and browser render the same text. */
export function agoText(ms: number, now: number): string {
  return now - ms < 1000 ? 'just now' : `${formatDuration(now - ms)} ago`;
}

/**
 * A log segment's offsets: base is inclusive, end exclusive. "[0, 990,536)" read as three numbers, so
 * say the last offset it can hold, with a dash that thousands separators cannot be mistaken for.
 */
export function formatOffsetRange(baseOffset: number, endOffset: number): string {
  if (endOffset <= baseOffset) return `no offsets (from ${formatNumber(baseOffset)})`;
  if (endOffset - baseOffset === 1) return `offset ${formatNumber(baseOffset)}`;
  return `offsets ${formatNumber(baseOffset)} – ${formatNumber(endOffset - 1)}`;
}

/** Kafka's retention.ms as a reader would say it. */
export function formatRetention(ms: string | number): string {
  const n = Number(ms);
  return n < 0 ? 'forever' : formatDuration(n);
}

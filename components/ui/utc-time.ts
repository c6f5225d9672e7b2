/**
 * The console shows every time in UTC, so a time typed into it means UTC too, whatever zone the
 * browser is in (a datetime-local input has no zone of its own: reading it with `new Date(value)`
 * would take the browser's). URLs carry the instant as epoch milliseconds. The one home for both
 * directions, used by the message browser's jump and the group reset dialog.
 */

/** Epoch ms as a datetime-local value in UTC: "2026-01-15T12:05:00.000". */
export function toUtcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

const UTC_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$/;

/** A datetime-local value read as UTC; null when empty, not a time, or a day that does not exist. */
export function parseUtcInput(value: string): number | null {
  const m = UTC_TIME.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s = '0', ms = '0'] = m.slice(1);
  const t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +ms.padEnd(3, '0'));
  const back = new Date(t);
  // Date.UTC rolls 2026-02-30 over into March: refuse instead.
  if (back.getUTCFullYear() !== +y || back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59)
    return null;
  return t < 0 ? null : t;
}

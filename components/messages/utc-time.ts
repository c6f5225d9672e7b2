/**
 * The console shows every time in UTC, so a time typed into it means UTC too, whatever zone the
 * browser is in (a datetime-local input has no zone of its own: reading it with `new Date(value)`
 * would take the browser's). URLs carry the instant as epoch milliseconds.
 */

/** Epoch ms as a datetime-local value in UTC: "2026-01-15T12:05:00.000". */
export function toUtcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

/** A datetime-local value read as UTC; null when empty or not a time. */
export function parseUtcInput(value: string): number | null {
  const v = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(v)) return null;
  const ms = Date.parse(`${v}Z`);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

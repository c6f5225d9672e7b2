import { parseUtcInput } from '@/components/ui/utc-time';
/**
 * The reset-offsets form, parsed and checked before anything is sent: a missing time or offset is an
 * error to show, never a default. Times are UTC (the console shows UTC everywhere and says so).
 */
export type ResetTargetKind = 'earliest' | 'latest' | 'timestamp' | 'offset';

export interface ResetForm {
  topic: string;
  /** "0, 1, 2"; empty means every partition. */
  partitions: string;
  target: ResetTargetKind;
  /** The time (for `timestamp`, "YYYY-MM-DDTHH:MM[:SS[.mmm]]" in UTC) or the offset. */
  value: string;
}

export type ResetTo = 'earliest' | 'latest' | { timestamp: number } | { offset: number };

export type ParsedReset = { ok: true; topic: string; partitions: number[] | null; to: ResetTo } | { ok: false; error: string };

export function parseResetForm(f: ResetForm): ParsedReset {
  if (!f.topic) return { ok: false, error: 'Choose a topic.' };
  let partitions: number[] | null = null;
  if (f.partitions.trim()) {
    const parts = f.partitions.split(',').map((p) => p.trim());
    if (!parts.every((p) => /^\d+$/.test(p)))
      return { ok: false, error: 'Partitions: whole numbers separated by commas (or empty for all).' };
    partitions = [...new Set(parts.map(Number))];
  }
  if (f.target === 'timestamp') {
    if (!f.value.trim()) return { ok: false, error: 'Enter the time (UTC) to reset to.' };
    const timestamp = parseUtcInput(f.value);
    if (timestamp === null) return { ok: false, error: `"${f.value}" is not a valid time (YYYY-MM-DD HH:MM:SS, UTC).` };
    return { ok: true, topic: f.topic, partitions, to: { timestamp } };
  }
  if (f.target === 'offset') {
    if (!f.value.trim()) return { ok: false, error: 'Enter the offset to reset to.' };
    if (!/^\d+$/.test(f.value.trim()) || !Number.isSafeInteger(Number(f.value)))
      return { ok: false, error: 'The offset must be a whole number, 0 or more.' };
    return { ok: true, topic: f.topic, partitions, to: { offset: Number(f.value) } };
  }
  return { ok: true, topic: f.topic, partitions, to: f.target };
}

/** Identifies what a preview was computed for: Apply is only offered while the form still says it. */
export const resetFormKey = (f: ResetForm) =>
  JSON.stringify([f.topic, f.partitions.trim(), f.target, f.target === 'earliest' || f.target === 'latest' ? '' : f.value.trim()]);

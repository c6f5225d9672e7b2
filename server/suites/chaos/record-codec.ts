import { createHash } from 'node:crypto';

/**
 * What the chaos producers write: the key is the record's unique id, the value a JSON object with the id
 * again, some padding, and a checksum over id, key and padding. The checker can then tell a record that
 * is there twice (one id at two offsets) from one that was damaged (the checksum or the key disagree).
 */
export interface ChaosRecord {
  key: string;
  value: string;
}

const checksum = (id: string, key: string, pad: string) => createHash('sha256').update(`${id}\n${key}\n${pad}`).digest('hex').slice(0, 16);

export function encodeRecord(id: string, pad: string): ChaosRecord {
  return { key: id, value: JSON.stringify({ id, pad, sum: checksum(id, id, pad) }) };
}

/** The record's id if its key and value are intact; `ok: false` (with the id, when it can be read) otherwise. */
export function decodeRecord(key: string | null, value: string | null): { ok: boolean; id: string | null } {
  if (value === null) return { ok: false, id: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { ok: false, id: null };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, id: null };
  const { id, pad, sum } = parsed as Record<string, unknown>;
  if (typeof id !== 'string') return { ok: false, id: null };
  const intact = typeof pad === 'string' && key !== null && key === id && sum === checksum(id, key, pad);
  return { ok: intact, id };
}

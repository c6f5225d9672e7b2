import type { RecordJson } from '../encoding';

/**
 * BROOK_HIDE_PAYLOADS: a caller whose role is listed sees a record's offsets, timestamp and header keys,
 * but not its key, value or header values (null), and `hidden: true` says why they are null.
 */
export function hidePayload<R extends RecordJson>(r: R): R & { hidden?: true } {
  return { ...r, key: null, value: null, headers: r.headers.map((h) => ({ key: h.key, value: null })), hidden: true };
}

/** The records as this caller may see them. */
export function visible<R extends RecordJson>(hide: boolean, records: R[]): Array<R & { hidden?: true }> {
  return hide ? records.map(hidePayload) : records;
}

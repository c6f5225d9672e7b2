import { z } from 'zod';
import { MAX_RECORDS_PER_REQUEST } from '@/server/broker/produce';
import { fastArray, fastCheck, int, timestampMs, wellFormed } from '../inputs';

/**
 * Keys, values and header values are sized by max.message.bytes and the body limit, not here; text
 * ones are checked for well-formed Unicode when turned into bytes (toBytes). Header keys are text.
 */
const MAX_HEADER_KEY = 1_000_000;
const headerKey = wellFormed(MAX_HEADER_KEY);
const header = z.object({ key: headerKey, value: z.string().nullable() });
export const produceRecord = z.object({
  key: z.string().nullish(),
  value: z.string().nullable(),
  /** An ordered list (duplicate keys allowed, as in Kafka) or, for convenience, an object. */
  headers: z.union([z.array(header), z.record(headerKey, z.string().nullable())]).optional(),
  partition: int().optional(),
  timestamp: timestampMs().optional(),
});

/** What `produceRecord` accepts (or less): the fast path of the records array (see fastArray). */
export function isProduceRecord(r: unknown): boolean {
  if (!fastCheck.object(r)) return false;
  const { headers, partition, timestamp } = r;
  return (
    fastCheck.nullishString(r.key) &&
    fastCheck.nullableString(r.value) &&
    (headers === undefined || areHeaders(headers)) &&
    (partition === undefined || fastCheck.int(partition)) &&
    (timestamp === undefined || fastCheck.timestampMs(timestamp))
  );
}

function areHeaders(headers: unknown): boolean {
  if (Array.isArray(headers))
    return headers.every((h) => fastCheck.object(h) && fastCheck.wellFormed(h.key, MAX_HEADER_KEY) && fastCheck.nullableString(h.value));
  if (!fastCheck.object(headers)) return false;
  for (const key in headers) {
    // "__proto__" goes to zod, whatever it does with it (a JSON object can hold it as an own key).
    if (!Object.hasOwn(headers, key) || key === '__proto__') return false;
    if (!fastCheck.wellFormed(key, MAX_HEADER_KEY) || !fastCheck.nullableString(headers[key])) return false;
  }
  return true;
}

/** records.produce's records: zod's rules, checked by hand for the common valid shape (fastArray). */
export const produceRecords = fastArray(produceRecord, MAX_RECORDS_PER_REQUEST, isProduceRecord);

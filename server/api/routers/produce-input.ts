import { TRPCError } from '@trpc/server';
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

/** 1 to 128 printable ASCII characters (space to tilde); a UUID is a good one. */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,128}$/;
const KEY_RULE = 'an idempotency key is 1 to 128 printable ASCII characters';
export const idempotencyKey = z.string().regex(IDEMPOTENCY_KEY, KEY_RULE);

/**
 * The request's idempotency key: the input's `idempotencyKey` or the `Idempotency-Key` header (either, or
 * both when equal). A bad header or two different keys: BAD_REQUEST, nothing written.
 */
export function idempotencyKeyOf(fromInput: string | undefined, headers: Headers): string | undefined {
  const fromHeader = headers.get('idempotency-key') ?? undefined;
  if (fromHeader !== undefined && !IDEMPOTENCY_KEY.test(fromHeader)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `Idempotency-Key header: ${KEY_RULE}.` });
  }
  if (fromInput !== undefined && fromHeader !== undefined && fromInput !== fromHeader) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'The Idempotency-Key header and idempotencyKey differ: send one key.' });
  }
  return fromInput ?? fromHeader;
}

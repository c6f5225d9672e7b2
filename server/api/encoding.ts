import { z } from 'zod';
import { type Base64Record, BrokerError, decodeHeaders, type StoredRecord } from '@/server/broker';
import { isWellFormed } from '@/server/broker/text';

/**
 * Keys, values and header values travel as UTF-8 strings by default, or as base64 with
 * `encoding: "base64"` (for binary payloads). Offsets and timestamps are JSON numbers.
 */
export const encodingSchema = z.enum(['utf8', 'base64']).default('utf8');
export type Encoding = z.infer<typeof encodingSchema>;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8Decoder = new TextDecoder();

export function toBytes(text: string | null | undefined, encoding: Encoding, what: string): Uint8Array | null {
  if (text === null || text === undefined) return null;
  // Buffer.from, not TextEncoder: ~10x cheaper per short string on Node 20 (bench: 1000-record produce).
  if (encoding === 'utf8') {
    // Buffer.from would turn a lone surrogate into U+FFFD: different bytes than were sent.
    if (!isWellFormed(text)) {
      throw new BrokerError(
        'INVALID_REQUEST',
        `${what} is not well-formed Unicode (a lone UTF-16 surrogate): send binary data with encoding "base64".`,
      );
    }
    return Buffer.from(text, 'utf8');
  }
  const bytes = Buffer.from(text, 'base64');
  // Canonical base64 (what every encoder sends) re-encodes to itself: about half the cost of the
  // pattern, which then decides only the rest (e.g. unused low bits set in the last character).
  if (bytes.toString('base64') !== text && !BASE64.test(text)) throw new BrokerError('INVALID_REQUEST', `${what} is not valid base64.`);
  return bytes;
}

export function fromBytes(bytes: Uint8Array | null, encoding: Encoding): string | null {
  if (bytes === null) return null;
  if (encoding === 'utf8') return utf8Decoder.decode(bytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export interface RecordJson {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string | null }>;
}

/** Most records have no headers: one shared (frozen) empty list instead of two new arrays per record. */
const NO_HEADERS = Object.freeze([]) as unknown as RecordJson['headers'];

export function recordToJson(r: StoredRecord, encoding: Encoding): RecordJson {
  return {
    offset: r.offset,
    timestamp: r.timestamp,
    key: fromBytes(r.key, encoding),
    value: fromBytes(r.value, encoding),
    headers: r.headers === null ? NO_HEADERS : decodeHeaders(r.headers).map((h) => ({ key: h.key, value: fromBytes(h.value, encoding) })),
  };
}

/** A record read in base64 form (key and value already base64 text from the database): the same JSON as recordToJson(r, 'base64'). */
export function base64RecordToJson(r: Base64Record): RecordJson {
  return {
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key,
    value: r.value,
    headers: r.headers === null ? NO_HEADERS : decodeHeaders(r.headers).map((h) => ({ key: h.key, value: fromBytes(h.value, 'base64') })),
  };
}

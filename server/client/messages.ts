/** Keys, values and headers as a Kafka client passes them: strings or bytes. */
export type Bytes = Buffer | Uint8Array | string | null;
export type Headers = Record<string, Bytes | Bytes[]> | Array<{ key: string; value: Bytes }>;

export interface Message {
  key?: Bytes;
  value: Bytes;
  headers?: Headers;
  partition?: number;
  /** ms since epoch (a string is accepted, as kafkajs does). */
  timestamp?: number | string;
}

/** A consumed record, kafkajs-style: bytes as Buffers, offset and timestamp as strings. */
export interface KafkaMessage {
  key: Buffer | null;
  value: Buffer | null;
  /** Header values by key; a repeated key gives an array, in order. */
  headers: Record<string, Buffer | Buffer[]>;
  offset: string;
  timestamp: string;
  size: number;
}

/** The bytes of a key, value or header value as Brook stores them (a string as UTF-8). */
export const toBuffer = (v: Bytes | undefined): Buffer | null => {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
};

const toBase64 = (v: Bytes | undefined): string | null => toBuffer(v)?.toString('base64') ?? null;

function headerList(h: Headers | undefined): Array<{ key: string; value: Bytes }> {
  if (!h) return [];
  if (Array.isArray(h)) return h;
  return Object.entries(h).flatMap(([key, v]) => (Array.isArray(v) ? v.map((value) => ({ key, value })) : [{ key, value: v }]));
}

/** Encodes for the API: everything as base64, so binary and text travel alike. */
export function encodeMessage(m: Message) {
  return {
    key: toBase64(m.key),
    value: toBase64(m.value),
    headers: headerList(m.headers).map((h) => ({ key: h.key, value: toBase64(h.value) })),
    partition: m.partition,
    timestamp: m.timestamp === undefined ? undefined : Number(m.timestamp),
  };
}

export function decodeMessage(r: {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string | null }>;
}): KafkaMessage {
  const key = r.key === null ? null : Buffer.from(r.key, 'base64');
  const value = r.value === null ? null : Buffer.from(r.value, 'base64');
  const headers: Record<string, Buffer | Buffer[]> = {};
  for (const h of r.headers) {
    const v = h.value === null ? Buffer.alloc(0) : Buffer.from(h.value, 'base64');
    const prev = headers[h.key];
    headers[h.key] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return { key, value, headers, offset: String(r.offset), timestamp: String(r.timestamp), size: (key?.length ?? 0) + (value?.length ?? 0) };
}

import { createHash } from 'node:crypto';
import { BrokerError } from '../errors';
import type { ProduceRecord, ProduceResult } from '../produce';

/**
 * Idempotency keys of records.produce (Stripe's model, per topic): the key names one request; its
 * canonical body is hashed, so a retry is recognised and a different request under the same key refused.
 */

/** 1 to 128 printable ASCII characters (space to tilde), as the migration's CHECK has it. */
const KEY_PATTERN = /^[\x20-\x7e]{1,128}$/;

export function checkIdempotencyKey(key: string): void {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new BrokerError('INVALID_REQUEST', 'An idempotency key is 1 to 128 printable ASCII characters.');
  }
}

/**
 * SHA-256 of the request as the broker understands it: the topic, and per record its key, value, headers,
 * explicit partition (or none) and explicit timestamp (or none), each length-prefixed. The same request sent
 * as text or base64 hashes the same; a partition chosen by the sticky partitioner is not part of it.
 */
export function requestHash(topic: string, records: readonly ProduceRecord[]): string {
  const h = createHash('sha256');
  const num = Buffer.alloc(8);
  const int = (n: number) => {
    num.writeDoubleBE(n);
    h.update(num);
  };
  const bytes = (b: Uint8Array | null | undefined) => {
    if (b === null || b === undefined) return int(-1);
    int(b.length);
    h.update(b);
  };
  bytes(Buffer.from(topic, 'utf8'));
  int(records.length);
  for (const r of records) {
    bytes(r.key);
    bytes(r.value);
    const headers = r.headers ?? [];
    int(headers.length);
    for (const x of headers) {
      bytes(Buffer.from(x.key, 'utf8'));
      bytes(x.value);
    }
    int(r.partition ?? -1);
    int(r.timestamp ?? -1);
  }
  return h.digest('hex');
}

/** A request's result as stored: runs of consecutive records in one partition, [partition, first offset, count]. */
export type ResultRuns = Array<[partition: number, offset: number, count: number]>;

export function toRuns(results: readonly ProduceResult[]): ResultRuns {
  const runs: ResultRuns = [];
  let last: [number, number, number] | undefined;
  for (const r of results) {
    if (last && last[0] === r.partition && last[1] + last[2] === r.offset) last[2]++;
    else {
      last = [r.partition, r.offset, 1];
      runs.push(last);
    }
  }
  return runs;
}

export function fromRuns(runs: ResultRuns): ProduceResult[] {
  const out: ProduceResult[] = [];
  for (const [partition, offset, count] of runs) for (let i = 0; i < count; i++) out.push({ partition, offset: offset + i });
  return out;
}

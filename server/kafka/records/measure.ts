/**
 * Micro-benchmark of the record-batch layer (not part of `npm run bench`; it touches no database):
 *   npx tsx server/kafka/records/measure.ts
 * Decodes a produce batch of 1000 records with a 100-byte value (uncompressed and lz4) and encodes a
 * 1000-record fetch batch from stored rows; prints records per second (median of several rounds).
 */

import type { StoredRecord } from '@/server/broker/log/read';
import { encodeHeaders } from '@/server/broker/log/record-codec';
import { decodeRecordBatches } from './record-batch';
import { encodeRecordBatch } from './record-batch-encode';
import { encodeFetchBatches } from './to-engine';

const N = 1000;
const value = Buffer.alloc(100, 'v');
const records = Array.from({ length: N }, (_, i) => ({
  offset: i,
  timestamp: 1_700_000_000_000 + i,
  key: Buffer.from(`key-${String(i).padStart(12, '0')}`),
  value,
  headers: [],
}));
const stored: StoredRecord[] = records.map((r) => ({
  ...r,
  offset: 5000 + r.offset,
  headers: encodeHeaders([{ key: 'trace', value: Buffer.from('abc') }]),
}));

function rate(name: string, f: () => void, rounds = 15, iterations = 50) {
  for (let i = 0; i < iterations; i++) f(); // warm up
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) f();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    perRound.push((iterations * N) / s);
  }
  perRound.sort((a, b) => a - b);
  const median = perRound[Math.floor(rounds / 2)];
  console.log(`${name.padEnd(48)} ${(median / 1e6).toFixed(2)} M records/s (${((1e6 * N) / median).toFixed(0)} µs per 1000)`);
}

const opts = { maxUncompressedBytes: 1 << 24 };
const plain = encodeRecordBatch({ baseOffset: 0, records });
const lz4 = encodeRecordBatch({ baseOffset: 0, records, compression: 'lz4' });
console.log(`batch bytes: none ${plain.length}, lz4 ${lz4.length}`);
rate('decode 1000 x 100 B, uncompressed', () => decodeRecordBatches(plain, opts));
rate('decode 1000 x 100 B, lz4', () => decodeRecordBatches(lz4, opts));
rate('encode a 1000-record fetch batch (with headers)', () => encodeFetchBatches(stored, { maxBytes: 1 << 24 }));

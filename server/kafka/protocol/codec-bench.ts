// Hot-path timings of the codecs (not a test: it asserts nothing). Run: npx tsx server/kafka/protocol/codec-bench.ts
// Produce request decode/encode with 1 MB of records; Fetch response encode/decode with 100 partitions.

import { decodeFetchResponse, encodeFetchResponse, type FetchResponse } from './generated/fetch';
import { decodeProduceRequest, encodeProduceRequest, type ProduceRequest } from './generated/produce';
import { Reader } from './reader';
import { Writer } from './writer';

/** Best of 5 rounds: the machine is shared, and the best round is the least disturbed one. */
function time(label: string, iterations: number, bytes: number, fn: () => void): void {
  for (let i = 0; i < Math.min(200, iterations); i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
  console.log(
    `${label.padEnd(58)} ${best.toFixed(2).padStart(9)} µs/op  ${(((bytes / best) * 1e6) / 2 ** 20).toFixed(0).padStart(7)} MB/s`,
  );
}

for (const version of [7, 9]) {
  const produce: ProduceRequest = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [
      { name: 'orders', partitionData: Array.from({ length: 4 }, (_, index) => ({ index, records: Buffer.alloc(256 * 1024, index) })) },
    ],
  };
  const w = new Writer();
  encodeProduceRequest(w, version, produce);
  const bytes = Buffer.from(w.finish());
  time(`Produce v${version} request decode, 1 MB records in 4 partitions`, 5000, bytes.length, () =>
    decodeProduceRequest(new Reader(bytes), version),
  );
  time(`Produce v${version} request encode, 1 MB records (copies them)`, 200, bytes.length, () =>
    encodeProduceRequest(new Writer(bytes.length + 64), version, produce),
  );
}

for (const [version, recordBytes] of [
  [11, 1024],
  [11, 16 * 1024],
  [12, 1024],
] as const) {
  const fetch: FetchResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: Array.from({ length: 10 }, (_, t) => ({
      topic: `topic-${t}`,
      partitions: Array.from({ length: 10 }, (_, p) => ({
        partitionIndex: p,
        errorCode: 0,
        highWatermark: 123456n,
        lastStableOffset: 123456n,
        logStartOffset: 0n,
        abortedTransactions: [],
        preferredReadReplica: -1,
        records: Buffer.alloc(recordBytes, p),
      })),
    })),
  };
  const w = new Writer();
  encodeFetchResponse(w, version, fetch);
  const bytes = Buffer.from(w.finish());
  time(`Fetch v${version} response encode, 100 partitions x ${recordBytes / 1024} KB`, 1000, bytes.length, () => {
    const out = new Writer(64 * 1024);
    encodeFetchResponse(out, version, fetch);
    out.finish();
  });
  time(`Fetch v${version} response decode, 100 partitions x ${recordBytes / 1024} KB`, 1000, bytes.length, () =>
    decodeFetchResponse(new Reader(bytes), version),
  );
}

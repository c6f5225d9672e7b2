// A real client reads what our encoders write: a throwaway TCP stub built only from these codecs answers
// ApiVersions (flexible v3, response header v0) and Metadata, and `kcat -L` (librdkafka) must print the
// topic it was told about. Needs Debian's kcat (installed by .ci/run); skipped where it is missing.

import { execFile, spawnSync } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiVersions,
  decodeRequestFrame,
  encodeResponseFrame,
  fetch,
  listOffsets,
  metadata,
  produce,
  type Reader,
  type Writer,
} from './index';

const hasKcat = spawnSync('kcat', ['-V']).status === 0;
const run = promisify(execFile);

/** What the stub advertises: the APIs it answers, and Fetch, without which librdkafka will not use record batch v2. */
const SUPPORTED = [
  { apiKey: 1, minVersion: 4, maxVersion: 12 },
  { apiKey: 2, minVersion: 0, maxVersion: 7 },
  { apiKey: 18, minVersion: 0, maxVersion: 3 },
  { apiKey: 3, minVersion: 0, maxVersion: 12 },
  { apiKey: 0, minVersion: 3, maxVersion: 9 },
];

const producedBatch = (produced: produce.ProduceRequest[], partition: number): Buffer | null =>
  produced.flatMap((p) => p.topicData.flatMap((t) => t.partitionData)).find((p) => p.index === partition)?.records ?? null;

/** The stub's log: one record at offset 0 once kcat has produced to the partition. */
const highWatermark = (produced: produce.ProduceRequest[], partition: number): number => (producedBatch(produced, partition) ? 1 : 0);

function answer(frame: Buffer, port: number, seen: string[], produced: produce.ProduceRequest[]): Buffer {
  const { header, body: r } = decodeRequestFrame(frame);
  const { requestApiKey: apiKey, requestApiVersion: apiVersion } = header;
  seen.push(`${apiKey}v${apiVersion}`);
  return encodeResponseFrame(apiKey, apiVersion, header.correlationId, (w) => writeBody(w, r, apiKey, apiVersion, port, produced));
}

function writeBody(w: Writer, r: Reader, apiKey: number, apiVersion: number, port: number, produced: produce.ProduceRequest[]): void {
  if (apiKey === 18) {
    apiVersions.decodeApiVersionsRequest(r, apiVersion);
    apiVersions.encodeApiVersionsResponse(w, apiVersion, { errorCode: 0, apiKeys: SUPPORTED, throttleTimeMs: 0 });
  } else if (apiKey === 3) {
    metadata.decodeMetadataRequest(r, apiVersion);
    metadata.encodeMetadataResponse(w, apiVersion, {
      brokers: [{ nodeId: 7, host: '127.0.0.1', port }],
      clusterId: 'codec-test',
      controllerId: 7,
      topics: [
        {
          errorCode: 0,
          name: 'interop-topic',
          partitions: [0, 1, 2].map((partitionIndex) => ({ errorCode: 0, partitionIndex, leaderId: 7, replicaNodes: [7], isrNodes: [7] })),
        },
      ],
    });
  } else if (apiKey === 0) {
    const request = produce.decodeProduceRequest(r, apiVersion);
    // Keep a copy: decoded bytes are views of the frame.
    for (const t of request.topicData) for (const p of t.partitionData) p.records = p.records && Buffer.from(p.records);
    produced.push(request);
    produce.encodeProduceResponse(w, apiVersion, {
      responses: request.topicData.map((t) => ({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode: 0, baseOffset: 42n })),
      })),
      throttleTimeMs: 0,
    });
  } else if (apiKey === 2) {
    // Every partition's log is [0, hw): the produced batch, if any, is offset 0.
    const request = listOffsets.decodeListOffsetsRequest(r, apiVersion);
    listOffsets.encodeListOffsetsResponse(w, apiVersion, {
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const offset = p.timestamp === -2n ? 0n : BigInt(highWatermark(produced, p.partitionIndex));
          // v0 answers with a list of offsets, later versions with one (oldStyleOffsets is not ignorable).
          return {
            partitionIndex: p.partitionIndex,
            errorCode: 0,
            oldStyleOffsets: apiVersion === 0 ? [offset] : [],
            timestamp: -1n,
            offset,
          };
        }),
      })),
    });
  } else if (apiKey === 1) {
    const request = fetch.decodeFetchRequest(r, apiVersion);
    fetch.encodeFetchResponse(w, apiVersion, {
      responses: request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const hw = highWatermark(produced, p.partition);
          // Nothing to return is an empty record set, never null: librdkafka fails the whole response on size -1.
          const records = (p.fetchOffset < BigInt(hw) ? producedBatch(produced, p.partition) : null) ?? Buffer.alloc(0);
          return {
            partitionIndex: p.partition,
            errorCode: 0,
            highWatermark: BigInt(hw),
            lastStableOffset: BigInt(hw),
            logStartOffset: 0n,
            records,
          };
        }),
      })),
    });
  } else throw new Error(`stub cannot answer api ${apiKey}`);
}

describe.runIf(hasKcat)('kcat (librdkafka) against a stub speaking through these codecs', () => {
  let server: net.Server;
  let port = 0;
  const seen: string[] = [];
  const produced: produce.ProduceRequest[] = [];

  beforeAll(async () => {
    server = net.createServer((socket) => {
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
          const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
          pending = pending.subarray(4 + frame.length);
          socket.write(answer(frame, port, seen, produced));
        }
      });
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('kcat -L lists the stub broker and its topic', async () => {
    const { stdout } = await run('kcat', ['-b', `127.0.0.1:${port}`, '-L', '-J', '-m', '5'], { timeout: 20_000 });
    const listing = JSON.parse(stdout) as {
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
    };
    expect(listing.brokers).toEqual([{ id: 7, name: `127.0.0.1:${port}` }]);
    expect(listing.topics.map((t) => [t.topic, t.partitions.map((p) => p.leader)])).toEqual([['interop-topic', [7, 7, 7]]]);
    // librdkafka 2.0.2 asks ApiVersions v3 (flexible) first: it accepted our v3 answer rather than falling back.
    expect(seen[0]).toBe('18v3');
    expect(seen).not.toContain('18v0');
  }, 30_000);

  it('kcat -P sends a Produce request we decode and accepts our Produce response', async () => {
    const child = execFile('kcat', ['-b', `127.0.0.1:${port}`, '-P', '-t', 'interop-topic', '-p', '1', '-X', 'message.timeout.ms=10000']);
    child.stdin?.end('hello from kcat\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(produced).toHaveLength(1);
    const [topic] = produced[0].topicData;
    expect(topic.name).toBe('interop-topic');
    expect(topic.partitionData.map((p) => p.index)).toEqual([1]);
    // A record batch v2 (magic byte at offset 16) holding the line.
    const records = topic.partitionData[0].records!;
    expect(records[16]).toBe(2);
    expect(records.includes(Buffer.from('hello from kcat'))).toBe(true);
    expect(seen.some((s) => /^0v[3-9]$/.test(s))).toBe(true);
  }, 30_000);

  it('kcat -C reads that record back from our Fetch response', async () => {
    const { stdout } = await run(
      'kcat',
      ['-b', `127.0.0.1:${port}`, '-C', '-t', 'interop-topic', '-p', '1', '-o', 'beginning', '-e', '-f', '%o %s\\n'],
      {
        timeout: 20_000,
      },
    );
    expect(stdout).toBe('0 hello from kcat\n');
    expect(seen.some((s) => /^1v(4|5|6|7|8|9|10|11|12)$/.test(s))).toBe(true);
  }, 30_000);
});

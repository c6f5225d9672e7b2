// Metadata, ListOffsets and Fetch at exact versions through the raw test client, against a real engine and
// listener on both databases.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { sleep } from '@/server/broker/testing';
import type { fetch, listOffsets, metadata } from '../protocol';
import { decodeRecordBatches } from '../records';
import { KafkaTestClient } from '../test-client';
import { type KafkaTestBroker, kafkaTestBroker, rawClientPerTest, startKafkaTestBroker, stopKafkaTestBroker } from '../testing';

const METADATA = 3;
const LIST_OFFSETS = 2;
const FETCH = 1;
const text = (s: string) => Buffer.from(s);

function fetchBody(
  topic: string,
  partitions: Array<{ partition: number; offset: number; maxBytes?: number }>,
  over: Partial<fetch.FetchRequest> = {},
) {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 50 * 1024 * 1024,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: '00000000-0000-0000-0000-000000000000',
        partitions: partitions.map((p) => ({
          partition: p.partition,
          currentLeaderEpoch: -1,
          fetchOffset: BigInt(p.offset),
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: p.maxBytes ?? 1024 * 1024,
          replicaDirectoryId: '00000000-0000-0000-0000-000000000000',
        })),
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
    ...over,
  } satisfies fetch.FetchRequest;
}

const recordsOf = (p: fetch.PartitionData) =>
  decodeRecordBatches(p.records ?? Buffer.alloc(0), { maxUncompressedBytes: 1 << 30 }).flatMap((b) => b.records);

describe.each(testBackends())('Metadata, ListOffsets, Fetch (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(backend, (e) => {
    env = e;
  });
  let client: KafkaTestClient;
  rawClientPerTest(
    () => env,
    (c) => (client = c),
  );

  it.each([0, 1, 4, 9, 12])(
    'Metadata v%i names this instance, the cluster, the topic and its leaders; unknown topics get error 3',
    async (v) => {
      const topic = uniqueName('md');
      await env.broker.createTopic({ name: topic, partitions: 3 });
      const topics = [topic, 'no-such-topic'].map((name) => ({ name, topicId: '00000000-0000-0000-0000-000000000000' }));
      const res = await client.request<metadata.MetadataResponse>(METADATA, v, {
        topics,
        allowAutoTopicCreation: true,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      expect(res.brokers).toContainEqual(expect.objectContaining({ nodeId: env.nodeId, host: '127.0.0.1', port: env.port }));
      const ids = res.brokers.map((b) => b.nodeId);
      if (v >= 1) expect(ids).toContain(res.controllerId);
      if (v >= 2) expect(res.clusterId).toBe(await env.broker.clusterId());
      const [known, unknown] = res.topics;
      expect(known).toMatchObject({ errorCode: 0, name: topic });
      expect(known.partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2]);
      for (const p of known.partitions) {
        expect(ids).toContain(p.leaderId);
        expect(p.replicaNodes).toEqual([p.leaderId]);
        expect(p.isrNodes).toEqual([p.leaderId]);
      }
      expect(unknown).toMatchObject({ errorCode: 3, name: 'no-such-topic', partitions: [] });
      // Never auto-created.
      await expect(env.broker.describeTopic('no-such-topic')).rejects.toThrow();
    },
  );

  it('Metadata for every topic: null (v1+) lists them, an empty list (v1+) none', async () => {
    const topic = uniqueName('md-all');
    await env.broker.createTopic({ name: topic, partitions: 2 });
    const base = { allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };
    const all = await client.request<metadata.MetadataResponse>(METADATA, 9, { ...base, topics: null });
    expect(all.topics.find((t) => t.name === topic)?.partitions).toHaveLength(2);
    const none = await client.request<metadata.MetadataResponse>(METADATA, 9, { ...base, topics: [] });
    expect(none.topics).toEqual([]);
  });

  it.each([0, 1, 2, 5, 7])('ListOffsets v%i: earliest, latest, by timestamp, unknown partition', async (v) => {
    const topic = uniqueName('lo');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    await env.broker.produce(
      topic,
      [1000, 2000, 3000].map((timestamp) => ({ value: text(`v${timestamp}`), timestamp, partition: 0 })),
    );
    const ask = (timestamp: bigint, partitionIndex = 0) =>
      client
        .request<listOffsets.ListOffsetsResponse>(LIST_OFFSETS, v, {
          replicaId: -1,
          isolationLevel: v >= 2 ? 1 : 0,
          timeoutMs: 1000,
          topics: [{ name: topic, partitions: [{ partitionIndex, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }] }],
        })
        .then((r) => r.topics[0].partitions[0]);
    const offsetOf = (p: listOffsets.ListOffsetsPartitionResponse) => (v === 0 ? p.oldStyleOffsets?.[0] : p.offset);
    expect(offsetOf(await ask(-2n))).toBe(0n);
    expect(offsetOf(await ask(-1n))).toBe(3n);
    if (v >= 1) {
      expect(await ask(1500n)).toMatchObject({ errorCode: 0, offset: 1n, timestamp: 2000n });
      expect(await ask(9999n)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n });
    }
    if (v >= 7) {
      await env.broker.produce(topic, [{ value: text('late'), timestamp: 500, partition: 0 }]);
      expect(await ask(-3n)).toMatchObject({ errorCode: 0, offset: 2n, timestamp: 3000n });
    }
    expect((await ask(-1n, 5)).errorCode).toBe(3);
  });

  it.each([4, 7, 11, 12])('Fetch v%i returns records of several partitions, watermarks, per-partition errors', async (v) => {
    const topic = uniqueName('f');
    await env.broker.createTopic({ name: topic, partitions: 2 });
    await env.broker.produce(topic, [
      { key: text('k0'), value: text('a'), partition: 0, headers: [{ key: 'h', value: text('x') }] },
      { key: text('k1'), value: text('b'), partition: 0 },
      { key: null, value: text('c'), partition: 1 },
    ]);
    const res = await client.request<fetch.FetchResponse>(
      FETCH,
      v,
      fetchBody(topic, [
        { partition: 0, offset: 1 },
        { partition: 1, offset: 0 },
        { partition: 7, offset: 0 },
        { partition: 1, offset: 99 },
      ]),
    );
    if (v >= 7) expect(res).toMatchObject({ errorCode: 0, sessionId: 0 });
    const [p0, p1, missing, beyond] = res.responses[0].partitions;
    expect(p0).toMatchObject({ partitionIndex: 0, errorCode: 0, highWatermark: 2n, lastStableOffset: 2n, abortedTransactions: [] });
    if (v >= 5) expect(p0.logStartOffset).toBe(0n);
    if (v >= 11) expect(p0.preferredReadReplica).toBe(-1);
    expect(recordsOf(p0).map((r) => [r.offset, r.key?.toString(), r.value?.toString()])).toEqual([[1, 'k1', 'b']]);
    expect(recordsOf(p1).map((r) => [r.offset, r.key, r.value?.toString()])).toEqual([[0, null, 'c']]);
    expect(missing.errorCode).toBe(3);
    expect(beyond.errorCode).toBe(1); // OFFSET_OUT_OF_RANGE
    expect(beyond.records).toEqual(Buffer.alloc(0));
  });

  it('Fetch at the end of the log is empty, not an error; a record above both byte limits still comes whole', async () => {
    const topic = uniqueName('f-limits');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    const big = Buffer.alloc(5000, 7);
    await env.broker.produce(
      topic,
      [big, big, big].map((value) => ({ value, partition: 0 })),
    );
    const res = await client.request<fetch.FetchResponse>(
      FETCH,
      11,
      fetchBody(topic, [{ partition: 0, offset: 0, maxBytes: 100 }], { maxBytes: 100 }),
    );
    const got = recordsOf(res.responses[0].partitions[0]);
    expect(got.map((r) => r.offset)).toEqual([0]);
    expect(got[0].value).toEqual(big);
    const end = await client.request<fetch.FetchResponse>(FETCH, 11, fetchBody(topic, [{ partition: 0, offset: 3 }]));
    expect(end.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 3n, records: Buffer.alloc(0) });
  });

  it('max_bytes is shared by the partitions: the first with records gets one whole record, the rest what is left', async () => {
    const topic = uniqueName('f-budget');
    await env.broker.createTopic({ name: topic, partitions: 2 });
    const big = Buffer.alloc(3000, 1);
    await env.broker.produce(
      topic,
      [0, 0, 1, 1].map((partition) => ({ value: big, partition })),
    );
    const both = [
      { partition: 0, offset: 0 },
      { partition: 1, offset: 0 },
    ];
    const tight = await client.request<fetch.FetchResponse>(FETCH, 11, fetchBody(topic, both, { maxBytes: 4000 }));
    expect(tight.responses[0].partitions.map((p) => recordsOf(p).length)).toEqual([1, 0]);
    expect(tight.responses[0].partitions[1]).toMatchObject({ errorCode: 0, highWatermark: 2n });
    const roomy = await client.request<fetch.FetchResponse>(FETCH, 11, fetchBody(topic, both, { maxBytes: 100_000 }));
    expect(roomy.responses[0].partitions.map((p) => recordsOf(p).length)).toEqual([2, 2]);
  });

  it('a long poll waits until min_bytes have arrived, not just the first record', async () => {
    const topic = uniqueName('f-min');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    await env.broker.produce(topic, [{ value: text('small'), partition: 0 }]);
    const pending = client.request<fetch.FetchResponse>(
      FETCH,
      11,
      fetchBody(topic, [{ partition: 0, offset: 0 }], { maxWaitMs: 30_000, minBytes: 2000 }),
    );
    let answered = false;
    void pending.then(() => {
      answered = true;
    });
    await sleep(300);
    expect(answered).toBe(false);
    await env.broker.produce(topic, [{ value: Buffer.alloc(3000, 2), partition: 0 }]);
    const res = await pending;
    expect(recordsOf(res.responses[0].partitions[0]).map((r) => r.offset)).toEqual([0, 1]);
  });

  it('an incremental fetch of an unknown session gets FETCH_SESSION_ID_NOT_FOUND; a full one gets session id 0', async () => {
    const topic = uniqueName('f-session');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    const stale = await client.request<fetch.FetchResponse>(FETCH, 11, fetchBody(topic, [], { sessionId: 1234, sessionEpoch: 3 }));
    expect(stale).toMatchObject({ errorCode: 70, responses: [] });
    const full = await client.request<fetch.FetchResponse>(FETCH, 11, fetchBody(topic, [{ partition: 0, offset: 0 }], { sessionEpoch: 0 }));
    expect(full).toMatchObject({ errorCode: 0, sessionId: 0 });
  });

  it('a long poll wakes when a record arrives on any of its partitions', async () => {
    const topic = uniqueName('f-wait');
    await env.broker.createTopic({ name: topic, partitions: 2 });
    const pending = client.request<fetch.FetchResponse>(
      FETCH,
      11,
      fetchBody(
        topic,
        [
          { partition: 0, offset: 0 },
          { partition: 1, offset: 0 },
        ],
        { maxWaitMs: 30_000 },
      ),
    );
    let answered = false;
    void pending.then(() => {
      answered = true;
    });
    await sleep(200);
    expect(answered).toBe(false);
    await env.broker.produce(topic, [{ value: text('wake'), partition: 1 }]);
    const res = await pending;
    expect(recordsOf(res.responses[0].partitions[1]).map((r) => r.value?.toString())).toEqual(['wake']);
    expect(res.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0n });
  });
});

describe.each(testBackends())('Fetch long poll and listener stop (%s)', (backend) => {
  let env: KafkaTestBroker;
  beforeAll(async () => {
    env = await startKafkaTestBroker(backend);
  });
  afterAll(async () => {
    await stopKafkaTestBroker(env);
  });

  it('a waiting Fetch is answered, empty, when the listener stops', async () => {
    const topic = uniqueName('f-stop');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    const client = await KafkaTestClient.connect(env.host, env.port);
    const pending = client.request<fetch.FetchResponse>(FETCH, 11, fetchBody(topic, [{ partition: 0, offset: 0 }], { maxWaitMs: 30_000 }));
    await sleep(200);
    const forced = await env.listener.stop(20_000);
    const res = await pending;
    expect(forced).toBe(0); // answered within the grace period: the poll ended on the abort, not its 30 s
    expect(res.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0n, records: Buffer.alloc(0) });
    client.close();
  });
});

describe.each(testBackends())('Metadata with auto.create.topics.enable on (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(backend, (e) => (env = e), { kafka: { autoCreateTopics: true, numPartitions: 3 } });
  const ask = async (v: number, name: string, allowAutoTopicCreation: boolean) => {
    const client = await KafkaTestClient.connect(env.host, env.port);
    try {
      const res = await client.request<metadata.MetadataResponse>(METADATA, v, {
        topics: [{ name, topicId: '00000000-0000-0000-0000-000000000000' }],
        allowAutoTopicCreation,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      return res.topics[0];
    } finally {
      client.close();
    }
  };

  it('creates an unknown topic with num.partitions when the client allows it (v0-3 always do), never otherwise', async () => {
    const refused = uniqueName('auto-no');
    expect(await ask(9, refused, false)).toMatchObject({ errorCode: 3, partitions: [] });
    await expect(env.broker.describeTopic(refused)).rejects.toThrow();

    for (const [v, allow] of [
      [9, true],
      [1, true], // v0-3 have no flag: always allowed (true is its default, all an encoder may send)
    ] as const) {
      const name = uniqueName(`auto-v${v}`);
      const created = await ask(v, name, allow);
      expect(created).toMatchObject({ errorCode: 0, name });
      expect(created.partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2]);
      expect((await env.broker.describeTopic(name)).partitions).toBe(3);
      expect(await ask(v, name, allow)).toMatchObject({ errorCode: 0 }); // asking again changes nothing
    }
  });

  it('answers an invalid name with INVALID_TOPIC_EXCEPTION and creates nothing', async () => {
    expect(await ask(9, 'bad name!', true)).toMatchObject({ errorCode: 17, partitions: [] });
  });
});

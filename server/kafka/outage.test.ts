import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { MIGRATIONS_FOLDER } from '@/db/env';
import { createPrivateCluster, type PrivateCluster, postgresBinDir } from '@/db/private-cluster';
import { uniqueName } from '@/db/testing';
import { DEFAULT_DB_HOLD_MS } from '@/server/env';
import { encodeSubscription } from './consumer-protocol';
import type {
  fetch,
  findCoordinator,
  heartbeat,
  initProducerId,
  joinGroup,
  leaveGroup,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  produce,
  syncGroup,
} from './protocol';
import { encodeRecordBatch } from './records';
import { KafkaTestClient } from './test-client';
import { type KafkaTestBroker, startKafkaTestBroker, stopKafkaTestBroker } from './testing';

/**
 * Each Kafka API while Postgres is stopped, at the versions librdkafka 2.0 and kafkajs send, answered with
 * the code its clients retry (handlers/errors.ts, docs/kafka-outages.md), on a private cluster; then the
 * same requests once it is back. The hold is short here (calls give up after 600 ms), so the outage answers
 * show; with the default hold the same requests would wait and succeed.
 */
const binDir = postgresBinDir();

const CODE = {
  NONE: 0,
  LEADER_NOT_AVAILABLE: 5,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  NOT_COORDINATOR: 16,
  NOT_ENOUGH_REPLICAS: 19,
  KAFKA_STORAGE_ERROR: 56,
};
const API = {
  produce: 0,
  fetch: 1,
  listOffsets: 2,
  metadata: 3,
  offsetCommit: 8,
  offsetFetch: 9,
  findCoordinator: 10,
  join: 11,
  heartbeat: 12,
  leave: 13,
  sync: 14,
  initProducerId: 22,
};

describe.skipIf(!binDir)('Kafka APIs through a Postgres outage', () => {
  let cluster: PrivateCluster;
  let env: KafkaTestBroker;
  let client: KafkaTestClient;
  const topic = uniqueName('outage');
  const group = uniqueName('outage-g');
  let member: { memberId: string; generationId: number };
  let producerId: number;

  beforeAll(async () => {
    cluster = await createPrivateCluster(binDir!);
    await cluster.start();
    const db = await openDatabase({ url: cluster.url, poolSize: 4, holdMs: 600 });
    await db.migrate(MIGRATIONS_FOLDER);
    env = await startKafkaTestBroker(db);
    client = await KafkaTestClient.connect(env.host, env.port);
    await env.broker.createTopic({ name: topic, partitions: 3 });
    await env.broker.produce(topic, [{ value: Buffer.from('before'), partition: 0 }]);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    try {
      if (env) await Promise.race([stopKafkaTestBroker(env), new Promise((r) => setTimeout(r, 10_000))]);
    } finally {
      await cluster?.destroy();
    }
  });

  const metadataOf = () =>
    client.request<metadata.MetadataResponse>(API.metadata, 4, {
      topics: [{ name: topic, topicId: '00000000-0000-0000-0000-000000000000' }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
  const allTopics = () =>
    client.request<metadata.MetadataResponse>(API.metadata, 9, {
      topics: null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
  const join = (memberId: string) =>
    client.request<joinGroup.JoinGroupResponse>(API.join, 5, {
      groupId: group,
      sessionTimeoutMs: 6_000,
      rebalanceTimeoutMs: 10_000,
      memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeSubscription({ version: 0, topics: [topic] }) }],
      reason: null,
    });
  const sync = () =>
    client.request<syncGroup.SyncGroupResponse>(API.sync, 3, {
      groupId: group,
      generationId: member.generationId,
      memberId: member.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    });
  const beat = () =>
    client.request<heartbeat.HeartbeatResponse>(API.heartbeat, 3, {
      groupId: group,
      generationId: member.generationId,
      memberId: member.memberId,
      groupInstanceId: null,
    });
  const commit = (offset: number) =>
    client.request<offsetCommit.OffsetCommitResponse>(API.offsetCommit, 7, {
      groupId: group,
      generationIdOrMemberEpoch: member.generationId,
      memberId: member.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [
        {
          name: topic,
          partitions: [
            { partitionIndex: 0, committedOffset: BigInt(offset), committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' },
          ],
        },
      ],
    });
  const committed = () =>
    client.request<offsetFetch.OffsetFetchResponse>(API.offsetFetch, 7, {
      groupId: group,
      topics: [{ name: topic, partitionIndexes: [0, 1, 2] }],
      groups: [],
      requireStable: false,
    });
  const produceBatch = (sequence: number, value: string) =>
    client.request<produce.ProduceResponse>(API.produce, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30_000,
      topicData: [
        {
          name: topic,
          partitionData: [
            {
              index: 1,
              records: encodeRecordBatch({
                baseOffset: 0,
                producerId,
                producerEpoch: 0,
                baseSequence: sequence,
                records: [{ offset: 0, timestamp: Date.now(), key: null, value: Buffer.from(value), headers: [] }],
              }),
            },
          ],
        },
      ],
    });
  const fetchFrom = (offset: number) =>
    client.request<fetch.FetchResponse>(API.fetch, 11, {
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic,
          topicId: '00000000-0000-0000-0000-000000000000',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: BigInt(offset),
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 1 << 20,
              replicaDirectoryId: '00000000-0000-0000-0000-000000000000',
            },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
  const latest = () =>
    client.request<listOffsets.ListOffsetsResponse>(API.listOffsets, 2, {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 1000,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }],
    });
  const newProducerId = () =>
    client.request<initProducerId.InitProducerIdResponse>(API.initProducerId, 1, {
      transactionalId: null,
      transactionTimeoutMs: -1,
      producerId: -1n,
      producerEpoch: -1,
    });

  it('answers each API with a code its clients retry while Postgres is down, and serves again once it is back', async () => {
    // Before: a group with one member, a commit, an idempotent producer with one batch written.
    const first = await join('');
    member = { memberId: first.memberId, generationId: (await join(first.memberId)).generationId ?? -1 };
    expect((await sync()).errorCode).toBe(CODE.NONE);
    expect((await commit(1)).topics[0].partitions[0].errorCode).toBe(CODE.NONE);
    producerId = Number((await newProducerId()).producerId);
    expect((await produceBatch(0, 'p0')).responses[0].partitionResponses[0].errorCode).toBe(CODE.NONE);
    const before = await metadataOf();
    await allTopics();

    await cluster.stop('immediate');
    try {
      // Metadata and the coordinator lookup never need the database: what this instance knows, no error.
      const meta = await metadataOf();
      expect(meta.topics).toEqual(before.topics);
      expect(meta.brokers).toEqual(before.brokers);
      expect((await allTopics()).topics.find((t) => t.name === topic)?.partitions).toHaveLength(3);
      const coordinator = await client.request<findCoordinator.FindCoordinatorResponse>(API.findCoordinator, 2, {
        key: group,
        keyType: 0,
        coordinatorKeys: [],
      });
      expect(coordinator).toMatchObject({ errorCode: CODE.NONE, nodeId: env.nodeId });

      const produced = (await produceBatch(1, 'p1')).responses[0].partitionResponses[0];
      expect(produced.errorCode).toBe(CODE.NOT_ENOUGH_REPLICAS);
      const fetched = (await fetchFrom(1)).responses[0].partitions[0];
      expect(fetched).toMatchObject({ errorCode: CODE.NONE, highWatermark: 1n, records: Buffer.alloc(0) });
      expect((await latest()).topics[0].partitions[0].errorCode).toBe(CODE.KAFKA_STORAGE_ERROR);
      expect((await beat()).errorCode).toBe(CODE.NONE);
      expect((await commit(1)).topics[0].partitions[0].errorCode).toBe(CODE.COORDINATOR_LOAD_IN_PROGRESS);
      const offsets = await committed();
      expect(offsets).toMatchObject({ errorCode: CODE.COORDINATOR_LOAD_IN_PROGRESS, topics: [] });
      expect((await join(member.memberId)).errorCode).toBe(CODE.NOT_COORDINATOR);
      expect((await sync()).errorCode).toBe(CODE.NOT_COORDINATOR);
      expect((await newProducerId()).errorCode).toBe(CODE.COORDINATOR_LOAD_IN_PROGRESS);
      const unknown = await client.request<metadata.MetadataResponse>(API.metadata, 4, {
        topics: [{ name: 'never-seen-here', topicId: '00000000-0000-0000-0000-000000000000' }],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      expect(unknown.topics[0].errorCode).toBe(CODE.LEADER_NOT_AVAILABLE); // it may exist: never "unknown"
    } finally {
      await cluster.start();
    }

    // Back: the member was not fenced for the heartbeats that could not land; the retry of the refused
    // batch (same sequence) is written once, after the one before it.
    expect((await beat()).errorCode).toBe(CODE.NONE);
    expect((await commit(0)).topics[0].partitions[0].errorCode).toBe(CODE.NONE);
    expect((await committed()).topics?.[0].partitions[0]).toMatchObject({ committedOffset: 0n, errorCode: CODE.NONE });
    expect((await produceBatch(1, 'p1')).responses[0].partitionResponses[0]).toMatchObject({ errorCode: CODE.NONE, baseOffset: 1n });
    const log = await env.broker.fetch({ topic, partition: 1, offset: 0 });
    expect(log.records.map((r) => Buffer.from(r.value ?? []).toString())).toEqual(['p0', 'p1']);
    const left = await client.request<leaveGroup.LeaveGroupResponse>(API.leave, 3, {
      groupId: group,
      memberId: '',
      members: [{ memberId: member.memberId, groupInstanceId: null, reason: null }],
    });
    expect(left.errorCode).toBe(CODE.NONE);
  }, 120_000);

  it('with the default hold, a kafkajs idempotent producer and consumer group ride through a 3 s stop without an error', async () => {
    // A second instance of the cluster, holding calls as `npm start` does.
    const db = await openDatabase({ url: cluster.url, poolSize: 4, holdMs: DEFAULT_DB_HOLD_MS });
    const held = await startKafkaTestBroker(db);
    const name = uniqueName('ride');
    await held.broker.createTopic({ name, partitions: 3 });
    const kafka = new Kafka({ clientId: 'outage-test', brokers: [held.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = kafka.consumer({ groupId: uniqueName('ride-g'), sessionTimeout: 6_000, heartbeatInterval: 500 });
    const seen = new Set<string>();
    const crashes: string[] = [];
    consumer.on(consumer.events.CRASH, (e) => crashes.push(String(e.payload.error)));
    try {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: name, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.add(String(message.value)) });
      const acked: string[] = [];
      const send = async (i: number) => {
        await producer.send({ topic: name, acks: -1, messages: [{ key: `k${i % 7}`, value: `v${i}` }] });
        acked.push(`v${i}`);
      };
      for (let i = 0; i < 20; i++) await send(i);
      await cluster.stop('fast');
      const during = (async () => {
        for (let i = 20; i < 30; i++) await send(i); // held by Brook while Postgres is away, never refused
      })();
      await new Promise((r) => setTimeout(r, 3_000));
      await cluster.start();
      const back = Date.now();
      await during;
      const firstAckAfterMs = Date.now() - back;
      for (let i = 30; i < 40; i++) await send(i);
      for (let i = 0; i < 200 && seen.size < 40; i++) await new Promise((r) => setTimeout(r, 100));
      expect(acked).toHaveLength(40);
      expect([...seen].sort()).toEqual([...acked].sort());
      expect(crashes).toEqual([]);
      // Every acknowledged record once, in send order per key.
      let total = 0;
      for (let p = 0; p < 3; p++) {
        const values = (await held.broker.fetch({ topic: name, partition: p, offset: 0, maxRecords: 100 })).records.map((r) =>
          Number(
            Buffer.from(r.value ?? [])
              .toString()
              .slice(1),
          ),
        );
        expect(values).toEqual([...values].sort((a, b) => a - b));
        total += values.length;
      }
      expect(total).toBe(40);
      console.log(`[outage] kafkajs: the sends held through a 3 s stop were acknowledged ${firstAckAfterMs} ms after Postgres was back`);
    } finally {
      await consumer.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
      await stopKafkaTestBroker(held);
    }
  }, 120_000);
});

// kafkajs 2.2.4 as the oracle, for every API and version it speaks: the request bytes kafkajs encodes
// decode with our codec to the values kafkajs was given, consume every byte and re-encode to the very same
// bytes; a response our codec encodes decodes with kafkajs's parser to the values we put in.

import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeRequestHeader, requestHeaderVersion } from './generated/index';
import { Reader } from './reader';
import { allCodecs, leaves, sampleBody } from './test-support';
import { Writer } from './writer';

const require = createRequire(import.meta.url);

interface KafkajsProtocol {
  request: { apiKey: number; apiVersion: number; encode: () => Promise<{ buffer: Buffer }> | { buffer: Buffer } };
  response: { decode: (data: Buffer) => Promise<unknown> };
}
type KafkajsApi = { protocol: (o: { version: number }) => (args?: unknown) => KafkajsProtocol };
const kafkajs = (dir: string): KafkajsApi => require(`kafkajs/src/protocol/requests/${dir}`) as KafkajsApi;

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

interface Case {
  api: string;
  dir: string;
  versions: number[];
  args?: (v: number) => unknown;
  /** Response fields set to kafkajs-friendly values (records must be a batch or null, say). */
  responseOverrides?: Record<string, unknown>;
  /** Keys of kafkajs's decoded response to ignore (values it derives rather than reads). */
  skip?: string[];
  /** Checks of values kafkajs transforms (skipped in the generic comparison). */
  checkRequest?: (ours: Record<string, unknown>) => void;
  check?: (ours: Record<string, unknown>, theirs: Record<string, unknown>) => void;
}

const topics = (partitionFields: (i: number) => object) => [
  {
    topic: 'k1',
    partitions: [
      { partition: 100001, ...partitionFields(1) },
      { partition: 100002, ...partitionFields(2) },
    ],
  },
  { topic: 'k2', partitions: [{ partition: 100003, ...partitionFields(3) }] },
];

const CASES: Case[] = [
  { api: 'ApiVersions', dir: 'apiVersions', versions: range(0, 2) },
  { api: 'Metadata', dir: 'metadata', versions: range(0, 6), args: () => ({ topics: ['k1', 'k2'], allowAutoTopicCreation: false }) },
  {
    api: 'Produce',
    dir: 'produce',
    versions: range(3, 7),
    args: () => ({
      acks: -1,
      timeout: 30000,
      transactionalId: 'k9',
      producerId: '10000000007',
      producerEpoch: 1234,
      topicData: [
        {
          topic: 'k1',
          partitions: [{ partition: 100001, firstSequence: 0, messages: [{ key: 'k3', value: 'k4', timestamp: 1700000000000 }] }],
        },
      ],
    }),
  },
  {
    api: 'Fetch',
    dir: 'fetch',
    versions: range(4, 11),
    args: () => ({
      replicaId: -1,
      maxWaitTime: 5000,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      sessionId: 123456,
      sessionEpoch: 7890,
      rackId: 'k77',
      topics: topics((i) => ({
        fetchOffset: `${10000000000 + i}`,
        logStartOffset: `${20000000000 + i}`,
        currentLeaderEpoch: 4000 + i,
        maxBytes: 1048576,
      })),
    }),
    responseOverrides: { records: null, abortedTransactions: [] },
  },
  {
    api: 'ListOffsets',
    dir: 'listOffsets',
    versions: range(0, 3),
    args: () => ({ replicaId: -1, isolationLevel: 1, topics: topics((i) => ({ timestamp: 1700000000000 + i })) }),
  },
  { api: 'FindCoordinator', dir: 'findCoordinator', versions: range(0, 2), args: () => ({ groupId: 'k5', coordinatorType: 1 }) },
  {
    api: 'JoinGroup',
    dir: 'joinGroup',
    versions: range(0, 5),
    args: () => ({
      groupId: 'k5',
      sessionTimeout: 30000,
      rebalanceTimeout: 60000,
      memberId: 'k6',
      groupInstanceId: 'k8',
      protocolType: 'k10',
      groupProtocols: [{ name: 'k11', metadata: Buffer.from('meta') }],
    }),
  },
  {
    api: 'SyncGroup',
    dir: 'syncGroup',
    versions: range(0, 3),
    args: () => ({
      groupId: 'k5',
      generationId: 4321,
      memberId: 'k6',
      groupInstanceId: 'k8',
      groupAssignment: [{ memberId: 'k6', memberAssignment: Buffer.from('assign') }],
    }),
  },
  {
    api: 'Heartbeat',
    dir: 'heartbeat',
    versions: range(0, 3),
    args: () => ({ groupId: 'k5', groupGenerationId: 4321, memberId: 'k6', groupInstanceId: 'k8' }),
  },
  { api: 'LeaveGroup', dir: 'leaveGroup', versions: range(0, 3), args: () => ({ groupId: 'k5', memberId: 'k6', groupInstanceId: 'k8' }) },
  {
    api: 'OffsetCommit',
    dir: 'offsetCommit',
    versions: range(0, 5),
    args: () => ({
      groupId: 'k5',
      groupGenerationId: 4321,
      memberId: 'k6',
      retentionTime: 86400000,
      topics: topics((i) => ({ offset: `${10000000000 + i}`, metadata: `k${30 + i}` })),
    }),
    skip: ['commitTimestamp'], // v1: kafkajs sends its clock
  },
  { api: 'OffsetFetch', dir: 'offsetFetch', versions: range(1, 4), args: () => ({ groupId: 'k5', topics: topics(() => ({})) }) },
  {
    api: 'InitProducerId',
    dir: 'initProducerId',
    versions: range(0, 1),
    args: () => ({ transactionalId: 'k9', transactionTimeout: 60000 }),
  },
  {
    api: 'CreateTopics',
    dir: 'createTopics',
    versions: range(0, 3),
    args: () => ({
      timeout: 30000,
      validateOnly: true,
      topics: [
        {
          topic: 'k1',
          numPartitions: 1200,
          replicationFactor: 1300,
          replicaAssignment: [{ partition: 100001, replicas: [100002, 100003] }],
          configEntries: [{ name: 'k12', value: 'k13' }],
        },
      ],
    }),
  },
  { api: 'DeleteTopics', dir: 'deleteTopics', versions: range(0, 1), args: () => ({ topics: ['k1', 'k2'], timeout: 30000 }) },
  {
    api: 'CreatePartitions',
    dir: 'createPartitions',
    versions: range(0, 1),
    args: () => ({ topicPartitions: [{ topic: 'k1', count: 1400, assignments: [[100001, 100002]] }], timeout: 30000, validateOnly: true }),
  },
  {
    api: 'DescribeConfigs',
    dir: 'describeConfigs',
    versions: range(0, 2),
    args: () => ({ resources: [{ type: 2, name: 'k1', configNames: ['k14', 'k15'] }], includeSynonyms: true }),
    skip: ['configSource'],
  },
  { api: 'ListGroups', dir: 'listGroups', versions: range(0, 2) },
  { api: 'DescribeGroups', dir: 'describeGroups', versions: range(0, 2), args: () => ({ groupIds: ['k5', 'k16'] }) },
  // ACL APIs: resource type 2 (TOPIC), pattern 3/4 (LITERAL/PREFIXED), operations 3-4, permissions 2-3 (Kafka's codes).
  {
    api: 'DescribeAcls',
    dir: 'describeAcls',
    versions: range(0, 1),
    args: () => ({
      resourceType: 2,
      resourceName: 'k18',
      resourcePatternType: 4,
      principal: 'User:k19',
      host: 'k20',
      operation: 3,
      permissionType: 2,
    }),
  },
  {
    api: 'CreateAcls',
    dir: 'createAcls',
    versions: range(0, 1),
    args: () => ({
      creations: [
        {
          resourceType: 2,
          resourceName: 'k21',
          resourcePatternType: 3,
          principal: 'User:k22',
          host: 'k23',
          operation: 4,
          permissionType: 3,
        },
      ],
    }),
  },
  {
    api: 'DeleteAcls',
    dir: 'deleteAcls',
    versions: range(0, 1),
    args: () => ({
      filters: [
        {
          resourceType: 2,
          resourceName: 'k24',
          resourcePatternType: 4,
          principal: 'User:k25',
          host: 'k26',
          operation: 3,
          permissionType: 2,
        },
      ],
    }),
  },
  { api: 'SaslHandshake', dir: 'saslHandshake', versions: range(0, 1), args: () => ({ mechanism: 'k17' }) },
  // kafkajs's SASL mechanisms hand over auth bytes already size-prefixed, and read them back prefixed too.
  {
    api: 'SaslAuthenticate',
    dir: 'saslAuthenticate',
    versions: range(0, 1),
    args: () => ({ authBytes: Buffer.from('0000000a736563726574206f6b21', 'hex') }),
    skip: ['authBytes'],
    checkRequest: (ours) => expect(ours.authBytes).toEqual(Buffer.from('secret ok!')),
    check: (ours, theirs) => expect(theirs.authBytes).toEqual(Buffer.concat([Buffer.from([0, 0, 0, 2]), ours.authBytes as Buffer])),
  },
];

const codecs = new Map((await allCodecs()).map((c) => [c.api.name, c]));

describe.each(CASES)('$api (kafkajs $dir)', (c) => {
  const codec = codecs.get(c.api)!;

  it.each(c.versions)('v%i request: kafkajs bytes decode to its values and re-encode identically', async (v) => {
    const { request } = kafkajs(c.dir).protocol({ version: v })(c.args?.(v));
    expect(request.apiKey).toBe(codec.api.apiKey);
    expect(request.apiVersion).toBe(v);
    const bytes = (await request.encode()).buffer;
    const r = new Reader(bytes);
    const decoded = codec.request.decode(r, v) as Record<string, unknown>;
    expect(r.remaining).toBe(0);
    const w = new Writer();
    codec.request.encode(w, v, decoded as never);
    expect(w.finish().toString('hex')).toBe(bytes.toString('hex'));
    // Every distinctive value we decoded is one kafkajs was given (a misread field would not be).
    const given = new Set(leaves(c.args?.(v)));
    const ours = leaves(decoded, new Set(['records', ...(c.skip ?? [])]));
    for (const x of ours) expect(given, `decoded ${x}`).toContain(x);
    if (c.args && !c.checkRequest) expect(ours.length).toBeGreaterThan(0);
    c.checkRequest?.(decoded);
  });

  it.each(c.versions)('v%i response: our bytes decode with kafkajs to our values', async (v) => {
    const body = sampleBody(codec.responseSpec, v, { overrides: c.responseOverrides });
    const w = new Writer();
    codec.response.encode(w, v, body as never);
    const { response } = kafkajs(c.dir).protocol({ version: v })(c.args?.(v));
    const theirs = await response.decode(Buffer.from(w.finish()));
    expect(leaves(theirs, new Set(c.skip))).toEqual(leaves(body, new Set(c.skip)));
    c.check?.(body, theirs as Record<string, unknown>);
  });
});

describe('request header', () => {
  it('decodes kafkajs framing (header v1: int16 client id) for a non-flexible request', async () => {
    const kafkajsRequest = require('kafkajs/src/protocol/request') as (o: object) => Promise<{ buffer: Buffer }>;
    const { request } = kafkajs('heartbeat').protocol({ version: 3 })({
      groupId: 'g',
      groupGenerationId: 5,
      memberId: 'm',
      groupInstanceId: null,
    });
    const frame = (await kafkajsRequest({ correlationId: 4242, clientId: 'brook-test', request })).buffer;
    const r = new Reader(frame);
    expect(r.int32()).toBe(frame.length - 4);
    const headerVersion = requestHeaderVersion(frame.readInt16BE(4), frame.readInt16BE(6));
    expect(headerVersion).toBe(1);
    expect(decodeRequestHeader(r, headerVersion)).toEqual({
      requestApiKey: 12,
      requestApiVersion: 3,
      correlationId: 4242,
      clientId: 'brook-test',
    });
    expect(codecs.get('Heartbeat')!.request.decode(r, 3)).toEqual({ groupId: 'g', generationId: 5, memberId: 'm', groupInstanceId: null });
    expect(r.remaining).toBe(0);
  });
});

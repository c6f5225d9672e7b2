import { describe, expect, it } from 'vitest';
import { snapshotState, testBackends, uniqueName } from '@/db/testing';
import { KAFKA_ERRORS } from '@/server/broker';
import type { apiVersions, createPartitions, createTopics, deleteTopics, describeCluster, describeConfigs } from '../protocol';
import type { KafkaTestClient } from '../test-client';
import { type KafkaTestBroker, kafkaTestBroker, rawClientPerTest } from '../testing';
import { ALTER_CONFIGS_KEY, type AlterConfigsRequest, type AlterConfigsResponse } from './alter-configs-codec';

const CREATE_TOPICS = 19;
const DELETE_TOPICS = 20;
const DESCRIBE_CONFIGS = 32;
const CREATE_PARTITIONS = 37;
const DESCRIBE_CLUSTER = 60;
const code = (name: keyof typeof KAFKA_ERRORS) => KAFKA_ERRORS[name].code;

const topic = (name: string, over: Partial<createTopics.CreatableTopic> = {}): createTopics.CreatableTopic => ({
  name,
  numPartitions: 2,
  replicationFactor: 1,
  assignments: [],
  configs: [],
  ...over,
});

describe.each(testBackends())('Kafka admin handlers at exact versions (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(backend, (e) => {
    env = e;
  });
  let client: KafkaTestClient;
  rawClientPerTest(
    () => env,
    (c) => (client = c),
  );

  const create = (version: number, topics: createTopics.CreatableTopic[], validateOnly = false) =>
    client.request<createTopics.CreateTopicsResponse>(CREATE_TOPICS, version, { topics, timeoutMs: 5000, validateOnly });

  it.each([0, 1, 4, 5, 7])('CreateTopics v%i creates topics with configs, -1 partitions = 1, and answers per topic', async (version) => {
    const a = uniqueName('ct-a');
    const b = uniqueName('ct-b');
    const res = await create(version, [
      topic(a, { configs: [{ name: 'retention.ms', value: '60000' }] }),
      topic(b, { numPartitions: -1, replicationFactor: -1 }),
    ]);
    expect(res.topics.map((t) => [t.name, t.errorCode])).toEqual([
      [a, 0],
      [b, 0],
    ]);
    expect((await env.broker.describeTopic(a)).configs).toEqual({ 'retention.ms': '60000' });
    expect((await env.broker.describeTopic(b)).partitions).toBe(1);
    if (version >= 5) {
      const [ra] = res.topics;
      expect(ra.numPartitions).toBe(2);
      expect(ra.replicationFactor).toBe(1);
      expect(ra.configs).toContainEqual({ name: 'retention.ms', value: '60000', readOnly: false, configSource: 1, isSensitive: false });
      expect(ra.configs).toContainEqual({ name: 'segment.ms', value: '604800000', readOnly: false, configSource: 5, isSensitive: false });
    }
  });

  it('CreateTopics refuses bad topics one by one, creates the good ones, and changes nothing for the bad', async () => {
    const good = uniqueName('ct-good');
    const existing = uniqueName('ct-exists');
    await env.broker.createTopic({ name: existing, partitions: 1 });
    const before = await snapshotState(env.db);
    const bad = [
      topic(existing),
      topic('bad name!'),
      topic(uniqueName('ct-rf'), { replicationFactor: 3 }),
      topic(uniqueName('ct-parts'), { numPartitions: 0 }),
      topic(uniqueName('ct-cfg'), { configs: [{ name: 'no.such.config', value: '1' }] }),
      topic(uniqueName('ct-cfg'), { configs: [{ name: 'retention.ms', value: 'soon' }] }),
      topic(uniqueName('ct-asg'), { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }] }),
    ];
    const res = await create(4, bad);
    expect(res.topics.map((t) => t.errorCode)).toEqual([
      code('TOPIC_ALREADY_EXISTS'),
      code('INVALID_TOPIC_EXCEPTION'),
      code('INVALID_REPLICATION_FACTOR'),
      code('INVALID_PARTITIONS'),
      code('INVALID_CONFIG'),
      code('INVALID_CONFIG'),
      code('INVALID_REPLICA_ASSIGNMENT'),
    ]);
    expect(res.topics.every((t) => typeof t.errorMessage === 'string' && t.errorMessage.length > 0)).toBe(true);
    expect(await snapshotState(env.db)).toBe(before);

    const dup = uniqueName('ct-dup');
    const mixed = await create(4, [topic(dup), topic(good), topic(dup)]);
    expect(mixed.topics.map((t) => t.errorCode)).toEqual([code('INVALID_REQUEST'), 0, code('INVALID_REQUEST')]);
    expect((await env.broker.describeTopic(good)).partitions).toBe(2);
    await expect(env.broker.describeTopic(dup)).rejects.toThrow(/does not exist/);
  });

  it('CreateTopics with validate_only checks everything and creates nothing', async () => {
    const name = uniqueName('ct-validate');
    const existing = uniqueName('ct-validate-x');
    await env.broker.createTopic({ name: existing, partitions: 1 });
    const before = await snapshotState(env.db);
    const res = await create(5, [topic(name, { configs: [{ name: 'cleanup.policy', value: 'compact' }] }), topic(existing)], true);
    expect(res.topics.map((t) => t.errorCode)).toEqual([0, code('TOPIC_ALREADY_EXISTS')]);
    expect(res.topics[0].numPartitions).toBe(2);
    expect(res.topics[0].configs).toContainEqual({
      name: 'cleanup.policy',
      value: 'compact',
      readOnly: false,
      configSource: 1,
      isSensitive: false,
    });
    expect(await snapshotState(env.db)).toBe(before);
  });

  it.each([0, 1, 4, 5])('DeleteTopics v%i deletes by name, per-topic UNKNOWN_TOPIC_OR_PARTITION', async (version) => {
    const name = uniqueName('dt');
    await env.broker.createTopic({ name, partitions: 2 });
    const missing = uniqueName('dt-missing');
    const res = await client.request<deleteTopics.DeleteTopicsResponse>(DELETE_TOPICS, version, {
      topics: [],
      topicNames: [name, missing],
      timeoutMs: 5000,
    });
    expect(res.responses.map((r) => [r.name, r.errorCode])).toEqual([
      [name, 0],
      [missing, code('UNKNOWN_TOPIC_OR_PARTITION')],
    ]);
    await expect(env.broker.describeTopic(name)).rejects.toThrow(/does not exist/);
  });

  it('DeleteTopics v6 deletes by name and answers UNKNOWN_TOPIC_ID for an id (Brook topics have none)', async () => {
    const name = uniqueName('dt6');
    await env.broker.createTopic({ name, partitions: 1 });
    const id = '7b2b1c1e-9d3a-4e4f-8a6b-0c1d2e3f4a5b';
    const res = await client.request<deleteTopics.DeleteTopicsResponse>(DELETE_TOPICS, 6, {
      topics: [
        { name, topicId: '00000000-0000-0000-0000-000000000000' },
        { name: null, topicId: id },
      ],
      topicNames: [],
      timeoutMs: 5000,
    });
    expect(res.responses.map((r) => [r.name, r.topicId, r.errorCode])).toEqual([
      [name, '00000000-0000-0000-0000-000000000000', 0],
      [null, id, code('UNKNOWN_TOPIC_ID')],
    ]);
  });

  it.each([0, 1, 3])('CreatePartitions v%i raises the count, refuses lowering, unknown topics and bad assignments', async (version) => {
    const name = uniqueName('cp');
    const other = uniqueName('cp-other');
    await env.broker.createTopic({ name, partitions: 2 });
    await env.broker.createTopic({ name: other, partitions: 3 });
    const request = (topics: createPartitions.CreatePartitionsTopic[], validateOnly = false) =>
      client.request<createPartitions.CreatePartitionsResponse>(CREATE_PARTITIONS, version, { topics, timeoutMs: 5000, validateOnly });

    const before = await snapshotState(env.db);
    const refused = await request([
      { name: other, count: 2, assignments: null },
      { name: uniqueName('cp-missing'), count: 4, assignments: null },
      { name: other, count: 5, assignments: [{ brokerIds: [env.nodeId] }] },
    ]);
    expect(refused.results.map((r) => r.errorCode)).toEqual([
      code('INVALID_REQUEST'),
      code('UNKNOWN_TOPIC_OR_PARTITION'),
      code('INVALID_REQUEST'),
    ]);
    const refused2 = await request([
      { name: other, count: 3, assignments: null },
      { name, count: 4, assignments: [{ brokerIds: [env.nodeId] }] },
      { name, count: 4, assignments: null },
    ]);
    expect(refused2.results.map((r) => r.errorCode)).toEqual([
      code('INVALID_PARTITIONS'),
      code('INVALID_REQUEST'),
      code('INVALID_REQUEST'),
    ]);
    const badAssignment = await request([{ name, count: 4, assignments: [{ brokerIds: [env.nodeId] }] }]);
    expect(badAssignment.results[0].errorCode).toBe(code('INVALID_REPLICA_ASSIGNMENT'));
    const validated = await request([{ name, count: 4, assignments: null }], true);
    expect(validated.results[0].errorCode).toBe(0);
    expect(await snapshotState(env.db)).toBe(before);

    const res = await request([
      { name, count: 4, assignments: [{ brokerIds: [env.nodeId] }, { brokerIds: [env.nodeId] }] },
      { name: other, count: 5, assignments: null },
    ]);
    expect(res.results.map((r) => [r.name, r.errorCode])).toEqual([
      [name, 0],
      [other, 0],
    ]);
    expect((await env.broker.describeTopic(name)).partitions).toBe(4);
    expect((await env.broker.describeTopic(other)).partitions).toBe(5);
  });

  it.each([0, 1, 3, 4])('DescribeConfigs v%i describes topic configs with sources and a broker read-only', async (version) => {
    const name = uniqueName('dc');
    await env.broker.createTopic({ name, partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    const res = await client.request<describeConfigs.DescribeConfigsResponse>(DESCRIBE_CONFIGS, version, {
      resources: [
        { resourceType: 2, resourceName: name, configurationKeys: null },
        { resourceType: 2, resourceName: name, configurationKeys: ['retention.ms', 'not.a.config'] },
        { resourceType: 2, resourceName: uniqueName('dc-missing'), configurationKeys: null },
        { resourceType: 4, resourceName: String(env.nodeId), configurationKeys: [] },
        { resourceType: 8, resourceName: String(env.nodeId), configurationKeys: null },
      ],
      includeSynonyms: version >= 1,
      includeDocumentation: version >= 3,
    });
    const [all, some, missing, brokerRes, logger] = res.results;
    expect(all.errorCode).toBe(0);
    const policy = all.configs.find((c) => c.name === 'cleanup.policy');
    const retention = all.configs.find((c) => c.name === 'retention.ms');
    expect(policy).toMatchObject({ value: 'compact', readOnly: false, isSensitive: false });
    expect(retention).toMatchObject({ value: '604800000', readOnly: false });
    if (version === 0) {
      expect(policy?.isDefault).toBe(false);
      expect(retention?.isDefault).toBe(true);
    } else {
      expect(policy?.configSource).toBe(1);
      expect(retention?.configSource).toBe(5);
      expect(policy?.synonyms).toEqual([]);
    }
    if (version >= 3) {
      expect(policy?.configType).toBe(7); // LIST
      expect(policy?.documentation).toMatch(/compact/);
    }
    expect(some.configs.map((c) => c.name)).toEqual(['retention.ms']);
    expect(missing.errorCode).toBe(code('UNKNOWN_TOPIC_OR_PARTITION'));
    expect(missing.configs).toEqual([]);
    expect(brokerRes.errorCode).toBe(0);
    expect(brokerRes.configs.find((c) => c.name === 'broker.id')).toMatchObject({ value: String(env.nodeId), readOnly: true });
    expect(brokerRes.configs.find((c) => c.name === 'default.replication.factor')?.value).toBe('1');
    expect(brokerRes.configs.every((c) => c.readOnly)).toBe(true);
    expect(logger.errorCode).toBe(code('INVALID_REQUEST'));
  });

  it.each([0, 1])('DescribeCluster v%i lists this instance as a broker with the cluster id', async (version) => {
    const res = await client.request<describeCluster.DescribeClusterResponse>(DESCRIBE_CLUSTER, version, {
      includeClusterAuthorizedOperations: false,
      endpointType: 1,
    });
    expect(res.errorCode).toBe(0);
    expect(res.clusterId).toBe(await env.broker.clusterId());
    expect(res.brokers).toContainEqual({ brokerId: env.nodeId, host: env.host, port: env.port, rack: null });
    expect(res.brokers.map((b) => b.brokerId)).toContain(res.controllerId);
    if (version >= 1) {
      const controllers = await client.request<describeCluster.DescribeClusterResponse>(DESCRIBE_CLUSTER, 1, {
        includeClusterAuthorizedOperations: false,
        endpointType: 2,
      });
      expect(controllers.errorCode).toBe(code('INVALID_REQUEST'));
    }
  });

  /** AlterConfigs's codec is hand-written; the test client uses it for this key. */
  const alterConfigs = (version: number, body: AlterConfigsRequest) =>
    client.request<AlterConfigsResponse>(ALTER_CONFIGS_KEY, version, body);

  it.each([0, 1])(
    "AlterConfigs v%i replaces a topic's configs, refuses bad ones per resource and changes nothing then",
    async (version) => {
      const name = uniqueName('ac');
      await env.broker.createTopic({ name, partitions: 1, configs: { 'cleanup.policy': 'compact', 'retention.ms': '1000' } });
      const before = await snapshotState(env.db);
      const refused = await alterConfigs(version, {
        resources: [
          { resourceType: 2, resourceName: name, configs: [{ name: 'retention.ms', value: 'never' }] },
          { resourceType: 2, resourceName: name.replace('ac', 'ac-missing'), configs: [{ name: 'retention.ms', value: '5' }] },
          { resourceType: 4, resourceName: String(env.nodeId), configs: [{ name: 'num.partitions', value: '3' }] },
        ],
        validateOnly: false,
      });
      expect(refused.responses.map((r) => r.errorCode)).toEqual([
        code('INVALID_CONFIG'),
        code('UNKNOWN_TOPIC_OR_PARTITION'),
        code('INVALID_REQUEST'),
      ]);
      const validated = await alterConfigs(version, {
        resources: [{ resourceType: 2, resourceName: name, configs: [{ name: 'retention.ms', value: '5000' }] }],
        validateOnly: true,
      });
      expect(validated.responses[0].errorCode).toBe(0);
      expect(await snapshotState(env.db)).toBe(before);

      const res = await alterConfigs(version, {
        resources: [{ resourceType: 2, resourceName: name, configs: [{ name: 'retention.ms', value: '5000' }] }],
        validateOnly: false,
      });
      expect(res.responses).toEqual([{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: name }]);
      // Not incremental: cleanup.policy, not named, is back to its default.
      expect((await env.broker.describeTopic(name)).configs).toEqual({ 'retention.ms': '5000' });
    },
  );

  it('advertises exactly the admin versions it serves', async () => {
    const res = await client.request<apiVersions.ApiVersionsResponse>(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    const served = Object.fromEntries(res.apiKeys.map((a) => [a.apiKey, [a.minVersion, a.maxVersion]]));
    expect(served).toMatchObject({ 19: [0, 7], 20: [0, 6], 32: [0, 4], 33: [0, 1], 37: [0, 3], 60: [0, 1] });
    expect(served[21]).toBeUndefined(); // DeleteRecords: the engine cannot move a log start offset yet
  });
});

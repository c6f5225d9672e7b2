import { type Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotState, testBackends, uniqueName } from '@/db/testing';
import { KAFKA_ERRORS } from '@/server/broker';
import { type KafkaTestBroker, kafkaTestBroker } from '../testing';

const code = (name: keyof typeof KAFKA_ERRORS) => KAFKA_ERRORS[name].code;

/** The Kafka error code a kafkajs admin call failed with (kafkajs wraps per-topic errors in an aggregate), 0 if it did not. */
async function codeOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 0;
  } catch (err) {
    // Retriable errors arrive as the cause of kafkajs's "retries exceeded" error.
    const e = err as { code?: number; errors?: Array<{ code?: number }>; cause?: { code?: number } };
    return e.errors?.[0]?.code ?? e.code ?? e.cause?.code ?? -1;
  }
}

/** kafkajs's admin client, as an operator's script would use it, against Brook's listener. */
describe.each(testBackends())('kafkajs admin against Brook (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(backend, (e) => {
    env = e;
  });
  let admin: Admin;
  beforeAll(async () => {
    admin = new Kafka({
      clientId: 'brook-admin-test',
      brokers: [env.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 100 }, // rides out a test broker of another file leaving the cluster
    }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
  });

  it('creates topics with configs, lists them, describes their metadata and offsets, adds partitions and deletes them', async () => {
    const orders = uniqueName('kjs-orders');
    const audit = uniqueName('kjs-audit');
    const created = await admin.createTopics({
      topics: [
        { topic: orders, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
        { topic: audit, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    });
    expect(created).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: orders }] })).toBe(false); // exists already: kafkajs answers false

    expect(await admin.listTopics()).toEqual(expect.arrayContaining([orders, audit]));
    const { topics } = await admin.fetchTopicMetadata({ topics: [orders, audit] });
    const byName = new Map(topics.map((t) => [t.name, t.partitions]));
    expect(
      byName
        .get(orders)
        ?.map((p) => p.partitionId)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(byName.get(audit)?.length).toBe(1);
    expect(byName.get(orders)?.every((p) => p.leader >= 0 && p.replicas.length === 1)).toBe(true);

    await env.broker.produce(orders, [{ key: null, value: Buffer.from('a'), partition: 1 }]);
    const offsets = await admin.fetchTopicOffsets(orders);
    expect(offsets.map((o) => [o.partition, o.low, o.high]).sort()).toEqual([
      [0, '0', '0'],
      [1, '0', '1'],
      [2, '0', '0'],
    ]);

    await admin.createPartitions({ topicPartitions: [{ topic: orders, count: 5 }] });
    expect((await env.broker.describeTopic(orders)).partitions).toBe(5);
    const grown = await admin.fetchTopicMetadata({ topics: [orders] });
    expect(grown.topics[0].partitions.length).toBe(5);

    await admin.deleteTopics({ topics: [orders, audit] });
    expect(await admin.listTopics()).not.toEqual(expect.arrayContaining([orders]));
    await expect(env.broker.describeTopic(audit)).rejects.toThrow(/does not exist/);
  });

  it('describes and alters topic configs, and describes the broker', async () => {
    const name = uniqueName('kjs-configs');
    await admin.createTopics({ topics: [{ topic: name, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
    const described = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy', 'retention.ms'] }],
      includeSynonyms: false,
    });
    const entries = described.resources[0].configEntries;
    expect(entries.map((e) => [e.configName, e.configValue, e.isDefault, e.readOnly])).toEqual([
      ['cleanup.policy', 'compact', false, false],
      ['retention.ms', '604800000', true, false],
    ]);

    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: [{ name: 'retention.ms', value: '7200000' }] }],
    });
    // AlterConfigs replaces the whole set, as in Kafka: cleanup.policy went back to its default.
    expect((await env.broker.describeTopic(name)).configs).toEqual({ 'retention.ms': '7200000' });

    const broker = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(env.nodeId), configNames: ['default.replication.factor', 'broker.id'] }],
      includeSynonyms: false,
    });
    expect(broker.resources[0].configEntries.map((e) => [e.configName, e.configValue, e.readOnly])).toEqual([
      ['broker.id', String(env.nodeId), true],
      ['default.replication.factor', '1', true],
    ]);
  });

  it('refuses bad requests with Kafka errors and changes nothing', async () => {
    const existing = uniqueName('kjs-bad');
    await admin.createTopics({ topics: [{ topic: existing, numPartitions: 2 }] });
    const before = await snapshotState(env.db);
    const fresh = uniqueName('kjs-bad-new');
    expect(
      await codeOf(admin.createTopics({ topics: [{ topic: fresh, configEntries: [{ name: 'retention.ms', value: 'forever' }] }] })),
    ).toBe(code('INVALID_CONFIG'));
    expect(await codeOf(admin.createTopics({ topics: [{ topic: fresh, replicationFactor: 3 }] }))).toBe(code('INVALID_REPLICATION_FACTOR'));
    expect(await codeOf(admin.createTopics({ topics: [{ topic: 'no spaces allowed' }] }))).toBe(code('INVALID_TOPIC_EXCEPTION'));
    expect(await codeOf(admin.createPartitions({ topicPartitions: [{ topic: existing, count: 1 }] }))).toBe(code('INVALID_PARTITIONS'));
    const badAlter = admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: existing, configEntries: [{ name: 'no.such', value: '1' }] }],
    });
    expect(await codeOf(badAlter)).toBe(code('INVALID_CONFIG'));
    expect(await codeOf(admin.deleteTopics({ topics: [uniqueName('kjs-missing')] }))).toBe(code('UNKNOWN_TOPIC_OR_PARTITION'));
    await expect(
      admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: fresh, numPartitions: 4 }] }),
    ).resolves.toBe(true);
    expect(await snapshotState(env.db)).toBe(before);
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AssignerProtocol, type Consumer, Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { startTestServer } from '@/server/api/test-server';
import type { Broker } from '@/server/broker';
import { until } from '@/server/broker/testing';
import { Brook, type Consumer as BrookConsumer } from '@/server/client';
import { encodeSubscription } from './consumer-protocol';
import { KafkaTestClient } from './test-client';
import { type KafkaTestBroker, kafkaTestBroker } from './testing';

const PARTITIONS = 6;

/** Seen records, "partition:offset", with how often each was delivered and to which consumer. */
class Deliveries {
  readonly count = new Map<string, number>();
  readonly byConsumer = new Map<string, Set<string>>();
  add(consumer: string, partition: number, offset: string) {
    const key = `${partition}:${offset}`;
    this.count.set(key, (this.count.get(key) ?? 0) + 1);
    const mine = this.byConsumer.get(consumer) ?? new Set();
    mine.add(key);
    this.byConsumer.set(consumer, mine);
  }
  get duplicates(): string[] {
    return [...this.count].filter(([, n]) => n > 1).map(([k]) => k);
  }
}

async function produceEach(broker: Broker, topic: string, perPartition: number, tag: string): Promise<void> {
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const records = Array.from({ length: perPartition }, (_, i) => ({
      partition,
      key: null,
      value: Buffer.from(`${tag}-${partition}-${i}`),
    }));
    await broker.produce(topic, records);
  }
}

/** The partitions each member of the group holds, per the engine (what the console shows). */
async function holdings(broker: Broker, groupId: string): Promise<number[]> {
  const g = (await broker.groups.classicDescribe([groupId]))[0];
  return g.members.map((m) => m.assignment.reduce((n, tp) => n + tp.partitions.length, 0));
}

async function committedTotal(broker: Broker, groupId: string, topic: string): Promise<number> {
  const offsets = await broker.groups.fetchOffsets(groupId, [topic]);
  return offsets.flatMap((t) => t.partitions).reduce((n, p) => n + p.offset, 0);
}

async function startKafkajsConsumer(
  bootstrap: string,
  o: { groupId: string; topic: string; name: string; seen: Deliveries; consumers: Consumer[] },
): Promise<Consumer> {
  const kafka = new Kafka({ clientId: o.name, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10 } });
  const consumer = kafka.consumer({ groupId: o.groupId, heartbeatInterval: 300, sessionTimeout: 10_000, maxWaitTimeInMs: 200 });
  o.consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      o.seen.add(o.name, partition, message.offset);
    },
  });
  return consumer;
}

describe.each(testBackends())('kafkajs consumer groups against Brook (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(backend, (e) => {
    env = e;
  });
  const consumers: Consumer[] = [];
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.disconnect().catch(() => {})));
  });

  const startConsumer = (groupId: string, topic: string, name: string, seen: Deliveries) =>
    startKafkajsConsumer(env.bootstrap, { groupId, topic, name, seen, consumers });

  it('three members share a 6-partition topic, each record once; when one leaves the other two take over without re-reading', async () => {
    const topic = uniqueName('kjs-topic');
    const groupId = uniqueName('kjs-group');
    await env.broker.createTopic({ name: topic, partitions: PARTITIONS });
    const seen = new Deliveries();
    const [, , c] = await Promise.all(['a', 'b', 'c'].map((n) => startConsumer(groupId, topic, n, seen)));
    await until(async () => (await holdings(env.broker, groupId)).join() === '2,2,2', 'three members with two partitions each', 30_000);

    await produceEach(env.broker, topic, 50, 'first');
    await until(() => seen.count.size === 300, 'the first 300 records', 30_000);
    expect(seen.duplicates).toEqual([]);
    expect([...seen.byConsumer.values()].map((s) => s.size)).toEqual([100, 100, 100]);
    await until(async () => (await committedTotal(env.broker, groupId, topic)) === 300, 'commits up to 300', 30_000);

    await c.disconnect();
    await until(
      async () => (await holdings(env.broker, groupId)).sort().join() === '3,3',
      'two members with three partitions each',
      30_000,
    );
    await produceEach(env.broker, topic, 20, 'second');
    await until(() => seen.count.size === 420, 'the next 120 records', 30_000);
    expect(seen.duplicates).toEqual([]);
    expect(seen.byConsumer.get('c')?.size).toBe(100);
    await until(async () => (await committedTotal(env.broker, groupId, topic)) === 420, 'commits up to 420', 30_000);

    // The console's view of the group: its two members and the committed offsets, no lag left.
    const described = await env.broker.groups.describe(groupId);
    expect(described.members.map((m) => m.clientId).sort()).toEqual(['a', 'b']);
    expect(described.lag.partitions.map((p) => [p.partition, p.committedOffset, p.lag])).toEqual(
      Array.from({ length: PARTITIONS }, (_, i) => [i, 70, 0]),
    );
  }, 120_000);

  it('a restarted consumer resumes from its commit', async () => {
    const topic = uniqueName('kjs-restart');
    const groupId = uniqueName('kjs-group');
    await env.broker.createTopic({ name: topic, partitions: PARTITIONS });
    await produceEach(env.broker, topic, 10, 'before');
    const seen = new Deliveries();
    const first = await startConsumer(groupId, topic, 'first', seen);
    await until(() => seen.count.size === 60, 'the first 60 records', 30_000);
    await until(async () => (await committedTotal(env.broker, groupId, topic)) === 60, 'commits up to 60', 30_000);
    await first.disconnect();

    await produceEach(env.broker, topic, 5, 'after');
    await startConsumer(groupId, topic, 'second', seen);
    await until(() => seen.count.size === 90, 'the next 30 records', 30_000);
    expect(seen.duplicates).toEqual([]);
    expect([...(seen.byConsumer.get('second') ?? [])].every((k) => Number(k.split(':')[1]) >= 10)).toBe(true);
  }, 60_000);

  it("a kafkajs member and a member of Brook's HTTP client share one group's partitions", async () => {
    const topic = uniqueName('kjs-mixed');
    const groupId = uniqueName('kjs-group');
    await env.broker.createTopic({ name: topic, partitions: PARTITIONS });
    const server = await startTestServer(env.broker);
    let http: BrookConsumer | null = null;
    try {
      const seen = new Deliveries();
      await startConsumer(groupId, topic, 'kafkajs', seen);
      http = new Brook({ url: server.url, clientId: 'brook-http' }).consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 300 });
      await http.subscribe({ topics: [topic], fromBeginning: true });
      const httpConsumer = http;
      await httpConsumer.run({
        autoCommitInterval: 200,
        eachMessage: async ({ partition, message }) => seen.add('http', partition, String(message.offset)),
      });
      await until(async () => (await holdings(env.broker, groupId)).join() === '3,3', 'two members with three partitions each', 30_000);
      await produceEach(env.broker, topic, 10, 'shared');
      await until(() => seen.count.size === 60, 'all 60 records', 30_000);
      expect(seen.duplicates).toEqual([]);
      expect([seen.byConsumer.get('kafkajs')?.size, seen.byConsumer.get('http')?.size]).toEqual([30, 30]);
    } finally {
      await http?.disconnect().catch(() => {});
      await server.close();
    }
  }, 60_000);

  it('a member that vanishes without leaving is fenced at its session timeout and a kafkajs member takes its partitions', async () => {
    const topic = uniqueName('kjs-crash');
    const groupId = uniqueName('kjs-group');
    await env.broker.createTopic({ name: topic, partitions: PARTITIONS });
    await produceEach(env.broker, topic, 5, 'crash');
    // A raw member with a short session holds every partition, then its connection drops without LeaveGroup.
    const raw = await KafkaTestClient.connect(env.host, env.port);
    const join = {
      groupId,
      sessionTimeoutMs: 1_500,
      rebalanceTimeoutMs: 1_500,
      memberId: 'crashing-member',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'RoundRobinAssigner', metadata: encodeSubscription({ version: 0, topics: [topic] }) }],
      reason: null,
    };
    const joined = await raw.request<{ errorCode: number; generationId: number }>(11, 3, join);
    expect(joined.errorCode).toBe(0);
    await raw.request(14, 3, {
      groupId,
      generationId: joined.generationId,
      memberId: 'crashing-member',
      groupInstanceId: null,
      assignments: [],
    });
    expect(await holdings(env.broker, groupId)).toEqual([6]);
    raw.close();

    const seen = new Deliveries();
    await startConsumer(groupId, topic, 'survivor', seen);
    await until(() => seen.count.size === 30, 'all 30 records after the fence', 30_000);
    expect(seen.duplicates).toEqual([]);
    expect(await holdings(env.broker, groupId)).toEqual([6]);
  }, 60_000);

  it("kafkajs's admin lists, describes, reads, sets and deletes a group's offsets", async () => {
    const topic = uniqueName('kjs-admin');
    const groupId = uniqueName('kjs-group');
    await env.broker.createTopic({ name: topic, partitions: PARTITIONS });
    await produceEach(env.broker, topic, 2, 'admin');
    const seen = new Deliveries();
    const consumer = await startConsumer(groupId, topic, 'admin-member', seen);
    await until(() => seen.count.size === 12, 'all 12 records', 30_000);
    await until(async () => (await committedTotal(env.broker, groupId, topic)) === 12, 'commits up to 12', 30_000);

    const admin = new Kafka({ clientId: 'admin', brokers: [env.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      expect((await admin.listGroups()).groups).toContainEqual({ groupId, protocolType: 'consumer' });
      const [g] = (await admin.describeGroups([groupId])).groups;
      expect(g).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' });
      expect(g.members.map((m) => m.clientId)).toEqual(['admin-member']);
      const assignment = AssignerProtocol.MemberAssignment.decode(g.members[0].memberAssignment);
      expect(assignment?.assignment[topic]?.length).toBe(PARTITIONS);
      await expect(admin.deleteGroups([groupId])).rejects.toThrow();

      await consumer.disconnect();
      await until(async () => (await holdings(env.broker, groupId)).length === 0, 'the group to empty', 30_000);
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(offsets.partitions.find((p) => p.partition === 0)?.offset).toBe('1');
      expect(offsets.partitions.find((p) => p.partition === 1)?.offset).toBe('2');
      expect(await admin.deleteGroups([groupId])).toEqual([{ groupId, errorCode: 0 }]);
      expect(await env.broker.groups.fetchOffsets(groupId)).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  }, 90_000);

  it.each([['range'], ['cooperative-sticky']])(
    'kcat -G (%s) consumes the topic as a group member and commits',
    async (strategy) => {
      const topic = uniqueName('kcat-group');
      const groupId = uniqueName('kcat');
      await env.broker.createTopic({ name: topic, partitions: PARTITIONS });
      await produceEach(env.broker, topic, 10, 'kcat');
      const { stdout } = await promisify(execFile)(
        'kcat',
        [
          '-b',
          env.bootstrap,
          '-G',
          groupId,
          '-X',
          `partition.assignment.strategy=${strategy}`,
          '-X',
          'auto.offset.reset=earliest',
          '-c',
          '60',
          '-q',
          '-f',
          '%p:%o\\n',
          topic,
        ],
        { timeout: 60_000 },
      );
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(60);
      expect(new Set(lines).size).toBe(60);
      await until(async () => (await committedTotal(env.broker, groupId, topic)) === 60, 'kcat commits up to 60', 30_000);
    },
    90_000,
  );
});

describe.skipIf(!testBackends().includes('postgres'))('kafkajs consumer group across two Brook instances on one database', () => {
  const envs: KafkaTestBroker[] = [];
  kafkaTestBroker('postgres', (e) => envs.push(e));
  kafkaTestBroker('postgres', (e) => envs.push(e));
  const consumers: Consumer[] = [];
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.disconnect().catch(() => {})));
  });

  it('members connected to different instances consume every record once', async () => {
    const [one, two] = envs;
    expect(one.nodeId).not.toBe(two.nodeId);
    const topic = uniqueName('kjs-two');
    const groupId = uniqueName('kjs-group');
    await one.broker.createTopic({ name: topic, partitions: PARTITIONS });
    const seen = new Deliveries();
    await Promise.all([
      startKafkajsConsumer(one.bootstrap, { groupId, topic, name: 'on-one', seen, consumers }),
      startKafkajsConsumer(one.bootstrap, { groupId, topic, name: 'also-on-one', seen, consumers }),
      startKafkajsConsumer(two.bootstrap, { groupId, topic, name: 'on-two', seen, consumers }),
    ]);
    await until(async () => (await holdings(two.broker, groupId)).join() === '2,2,2', 'three members with two partitions each', 30_000);
    await produceEach(one.broker, topic, 20, 'first');
    await produceEach(two.broker, topic, 20, 'second');
    await until(() => seen.count.size === 240, 'all 240 records', 30_000);
    expect(seen.duplicates).toEqual([]);
    expect([...seen.byConsumer.values()].map((s) => s.size)).toEqual([80, 80, 80]);
    await until(async () => (await committedTotal(one.broker, groupId, topic)) === 240, 'commits up to 240', 30_000);
  }, 90_000);
});

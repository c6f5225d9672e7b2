// Kafka ACLs through real clients with SASL: kafkajs's admin managing bindings (CreateAcls, DescribeAcls,
// DeleteAcls), and the per-resource checks they drive: Produce per topic, Metadata hiding topics, group
// membership and commits, DENY over ALLOW, PREFIXED patterns, User:*, admins as super users, roles as the ceiling.

import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes, type SASLOptions } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import type { AclBinding } from '@/server/broker/auth/acls';
import { encodeSubscription } from './consumer-protocol';
import type { heartbeat, joinGroup, offsetCommit } from './protocol';
import { KafkaTestClient } from './test-client';
import { type KafkaTestBroker, kafkaTestBroker } from './testing';

const PASSWORD = 'acl matrix password';
const GROUP_AUTHORIZATION_FAILED = 30;
const TOPIC_AUTHORIZATION_FAILED = 29;

describe.each(testBackends())('Kafka ACLs through kafkajs and raw requests (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(
    backend,
    (e) => {
      env = e;
    },
    { auth: { mode: 'on' } },
  );
  const names = { admin: '', alice: '', bob: '', vic: '' };
  const clients: Kafka[] = [];
  beforeAll(async () => {
    const actor = { principal: env.broker.auth.anonymous(), address: null };
    const roles = { admin: 'admin', alice: 'producer', bob: 'producer', vic: 'viewer' } as const;
    for (const who of Object.keys(roles) as (keyof typeof roles)[]) {
      names[who] = uniqueName(`acl-${who}`);
      await env.broker.auth.users.add({ name: names[who], password: PASSWORD, role: roles[who] }, actor);
    }
  });
  afterAll(() => {
    clients.length = 0;
  });

  const kafka = (who: keyof typeof names) => {
    const k = new Kafka({
      clientId: 'brook-acl-test',
      brokers: [env.bootstrap],
      sasl: { mechanism: 'scram-sha-256', username: names[who], password: PASSWORD } as SASLOptions,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    clients.push(k);
    return k;
  };
  const grant = (bindings: Partial<AclBinding>[]) =>
    env.broker.auth.acls.create(
      { principal: env.broker.auth.anonymous(), address: null },
      bindings.map((b) => ({ patternType: 'LITERAL', host: '*', permission: 'ALLOW', ...b })),
    );

  async function send(who: keyof typeof names, topic: string): Promise<string | null> {
    const producer = kafka(who).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ value: 'v' }] });
      return null;
    } catch (err) {
      return (err as { type?: string }).type ?? `${(err as Error).name}: ${(err as Error).message}`;
    } finally {
      await producer.disconnect();
    }
  }

  it('kafkajs admin creates, describes and deletes bindings; a producer may not', async () => {
    const topic = uniqueName('acl-admin');
    const admin = kafka('admin').admin();
    await admin.connect();
    try {
      const entry = {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: topic,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: `User:${names.alice}`,
        host: '*',
        operation: AclOperationTypes.WRITE,
        permissionType: AclPermissionTypes.ALLOW,
      };
      expect(
        await admin.createAcls({ acl: [entry, { ...entry, permissionType: AclPermissionTypes.DENY, operation: AclOperationTypes.READ }] }),
      ).toBe(true);
      const filter = {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: topic,
        resourcePatternType: ResourcePatternTypes.MATCH,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      };
      const described = await admin.describeAcls(filter);
      expect(described.resources).toHaveLength(1);
      expect(described.resources[0]).toMatchObject({ resourceName: topic, resourcePatternType: ResourcePatternTypes.LITERAL });
      expect(described.resources[0].acls.map((a) => a.operation).sort()).toEqual([AclOperationTypes.READ, AclOperationTypes.WRITE]);
      const deleted = await admin.deleteAcls({ filters: [{ ...filter, permissionType: AclPermissionTypes.DENY }] });
      expect(deleted.filterResponses[0].matchingAcls).toHaveLength(1);
      expect(deleted.filterResponses[0].matchingAcls[0]).toMatchObject({
        operation: AclOperationTypes.READ,
        principal: `User:${names.alice}`,
      });
      expect((await admin.describeAcls(filter)).resources[0].acls).toHaveLength(1);
      await expect(
        admin.createAcls({ acl: [{ ...entry, resourceType: AclResourceTypes.CLUSTER, resourceName: 'not-the-cluster' }] }),
      ).rejects.toMatchObject({ type: 'INVALID_REQUEST' });
    } finally {
      await admin.disconnect();
    }
    const notAdmin = kafka('alice').admin();
    await notAdmin.connect();
    try {
      await expect(
        notAdmin.describeAcls({
          resourceType: AclResourceTypes.ANY,
          resourcePatternType: ResourcePatternTypes.ANY,
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.ANY,
        }),
      ).rejects.toMatchObject({ type: 'CLUSTER_AUTHORIZATION_FAILED' });
    } finally {
      await notAdmin.disconnect();
    }
  });

  it('Produce needs WRITE: PREFIXED and User:* allow, a LITERAL DENY beats them, an admin is never refused, a viewer stays a viewer', async () => {
    const prefix = uniqueName('acl-p');
    for (const t of ['a', 'b']) await env.broker.createTopic({ name: `${prefix}.${t}`, partitions: 1 });
    await grant([
      { resourceType: 'TOPIC', patternType: 'PREFIXED', resourceName: `${prefix}.`, principal: 'User:*', operation: 'WRITE' },
      { resourceType: 'TOPIC', resourceName: `${prefix}.b`, principal: `User:${names.alice}`, operation: 'WRITE', permission: 'DENY' },
      { resourceType: 'TOPIC', resourceName: `${prefix}.b`, principal: 'User:*', operation: 'ALL', permission: 'DENY', host: '10.9.9.9' },
    ]);
    expect(await send('alice', `${prefix}.a`)).toBeNull();
    expect(await send('alice', `${prefix}.b`)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await send('bob', `${prefix}.b`)).toBeNull(); // the host-bound DENY is for another address
    expect(await send('admin', `${prefix}.b`)).toBeNull();
    // Bindings narrow a role, they never lift it: a viewer's Produce is refused by its role.
    await grant([{ resourceType: 'TOPIC', resourceName: `${prefix}.a`, principal: `User:${names.vic}`, operation: 'ALL' }]);
    expect(await send('vic', `${prefix}.a`)).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('Metadata lists only topics the caller may DESCRIBE and refuses them by name', async () => {
    const hidden = uniqueName('acl-hidden');
    const open = uniqueName('acl-open');
    await env.broker.createTopic({ name: hidden, partitions: 1 });
    await env.broker.createTopic({ name: open, partitions: 1 });
    await grant([{ resourceType: 'TOPIC', resourceName: hidden, principal: `User:${names.bob}`, operation: 'READ' }]);
    const list = async (who: keyof typeof names) => {
      const admin = kafka(who).admin();
      await admin.connect();
      try {
        return await admin.listTopics();
      } finally {
        await admin.disconnect();
      }
    };
    const alices = await list('alice');
    expect(alices).toContain(open);
    expect(alices).not.toContain(hidden);
    expect(await list('bob')).toContain(hidden); // READ implies DESCRIBE
    expect(await list('vic')).not.toContain(hidden);
    expect(await list('admin')).toContain(hidden);
    // kafkajs reports a Metadata refusal under its own type, with Kafka's words.
    expect(await send('alice', hidden)).toMatch(/TOPIC_AUTHORIZATION_FAILED|Topic authorization failed/);
  });

  it('a producer without READ on a group cannot join, heartbeat or commit in it; with READ it can, per topic', async () => {
    const group = uniqueName('acl-g');
    const topic = uniqueName('acl-gt');
    const secret = uniqueName('acl-gsecret');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    await env.broker.createTopic({ name: secret, partitions: 1 });
    await grant([
      { resourceType: 'GROUP', resourceName: group, principal: `User:${names.bob}`, operation: 'READ' },
      { resourceType: 'TOPIC', resourceName: secret, principal: `User:${names.alice}`, operation: 'WRITE' },
    ]);
    const connect = async (who: keyof typeof names) => {
      const c = await KafkaTestClient.connect(env.host, env.port);
      expect((await c.login('SCRAM-SHA-256', names[who], PASSWORD)).errorCode).toBe(0);
      return c;
    };
    const joinBody = (memberId: string): joinGroup.JoinGroupRequest => ({
      groupId: group,
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 60_000,
      memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'RoundRobinAssigner', metadata: encodeSubscription({ version: 0, topics: [topic] }) }],
      reason: null,
    });
    const commitBody = (memberId: string, generationId: number, topics: string[]): offsetCommit.OffsetCommitRequest => ({
      groupId: group,
      generationIdOrMemberEpoch: generationId,
      memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: topics.map((name) => ({
        name,
        partitions: [{ partitionIndex: 0, committedOffset: 0n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }],
      })),
    });
    const alice = await connect('alice');
    const bob = await connect('bob');
    try {
      const refusedJoin = await alice.request<joinGroup.JoinGroupResponse>(11, 4, joinBody(''));
      expect(refusedJoin.errorCode).toBe(GROUP_AUTHORIZATION_FAILED);
      // Bob joins; alice, knowing his member id, can neither heartbeat nor commit as him.
      const first = await bob.request<joinGroup.JoinGroupResponse>(11, 4, joinBody(''));
      const joined = await bob.request<joinGroup.JoinGroupResponse>(11, 4, joinBody(first.memberId));
      expect(joined.errorCode).toBe(0);
      const m = { memberId: joined.memberId, generationId: joined.generationId ?? -1 };
      const beat = { groupId: group, generationId: m.generationId, memberId: m.memberId, groupInstanceId: null };
      expect((await alice.request<heartbeat.HeartbeatResponse>(12, 3, beat)).errorCode).toBe(GROUP_AUTHORIZATION_FAILED);
      expect((await bob.request<heartbeat.HeartbeatResponse>(12, 3, beat)).errorCode).not.toBe(GROUP_AUTHORIZATION_FAILED);
      const aliceCommit = await alice.request<offsetCommit.OffsetCommitResponse>(8, 7, commitBody(m.memberId, m.generationId, [topic]));
      expect(aliceCommit.topics[0].partitions[0].errorCode).toBe(GROUP_AUTHORIZATION_FAILED);
      // Bob may READ the group and the open topic, not the secret one: refused per topic, the rest committed.
      const bobCommit = await bob.request<offsetCommit.OffsetCommitResponse>(8, 7, commitBody(m.memberId, m.generationId, [topic, secret]));
      const codes = Object.fromEntries(bobCommit.topics.map((t) => [t.name, t.partitions[0].errorCode]));
      expect(codes).toEqual({ [topic]: 0, [secret]: TOPIC_AUTHORIZATION_FAILED });
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('ListGroups and DescribeGroups show a caller only the groups it may DESCRIBE', async () => {
    const group = uniqueName('acl-lg');
    const topic = uniqueName('acl-lgt');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    const consumer = kafka('bob').consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    try {
      const listed = async (who: keyof typeof names) => {
        const admin = kafka(who).admin();
        await admin.connect();
        try {
          return (await admin.listGroups()).groups.map((g) => g.groupId);
        } finally {
          await admin.disconnect();
        }
      };
      await expect.poll(() => listed('alice'), { timeout: 15_000 }).toContain(group);
      await grant([{ resourceType: 'GROUP', resourceName: group, principal: `User:${names.bob}`, operation: 'READ' }]);
      expect(await listed('alice')).not.toContain(group);
      expect(await listed('bob')).toContain(group);
    } finally {
      await consumer.disconnect();
    }
  });
});

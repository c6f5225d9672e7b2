import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import type { Principal, Role } from '@/server/kernel/auth-types';
import { callProcedure, startAppServer } from './test-app';

const ADMIN_ACTOR = {
  principal: { kind: 'anonymous', name: 'test-setup', role: 'admin', hidePayloads: false } as Principal,
  address: null,
};

/**
 * ACL bindings through the HTTP API (tRPC): the acls router (admins only, audited) and the per-resource
 * checks on topics, records and groups, with the list procedures filtered to what the caller may DESCRIBE.
 */
describe.each(testBackends())('ACLs over HTTP (%s)', (backend) => {
  let broker: Broker;
  let server: { url: string; close(): Promise<void> };
  testBroker(
    backend,
    (env) => {
      broker = env.broker;
    },
    { auth: { mode: 'on' }, start: true },
  );
  const tokens = {} as Record<'admin' | 'alice' | 'bob' | 'vic', string>;
  const names = {} as Record<keyof typeof tokens, string>;
  let topic: string;
  let other: string;
  let group: string;
  beforeAll(async () => {
    server = await startAppServer(broker);
    const roles: Record<keyof typeof tokens, Role> = { admin: 'admin', alice: 'producer', bob: 'producer', vic: 'viewer' };
    for (const who of Object.keys(roles) as (keyof typeof tokens)[]) {
      names[who] = uniqueName(`http-acl-${who}`);
      tokens[who] = (await broker.auth.tokens.create({ name: names[who], role: roles[who] }, ADMIN_ACTOR)).token;
    }
    topic = uniqueName('http-acl-t');
    other = uniqueName('http-acl-o');
    group = uniqueName('http-acl-g');
    await broker.createTopic({ name: topic, partitions: 1 });
    await broker.createTopic({ name: other, partitions: 1 });
    await broker.groups.commit({ groupId: group, offsets: [{ topic, partition: 0, offset: 0 }] });
  });
  afterAll(async () => {
    await server?.close();
  });
  const call = (who: keyof typeof tokens, path: string, input?: unknown) => callProcedure(server.url, path, input, { bearer: tokens[who] });
  const kafkaName = (a: { body: { error?: { data?: { kafka?: { name?: string } } } } }) => a.body.error?.data?.kafka?.name;

  it('the acls router: admins create, list and delete; bad bindings are INVALID_REQUEST; others get 403', async () => {
    const binding = {
      resourceType: 'TOPIC',
      patternType: 'LITERAL',
      resourceName: topic,
      principal: `User:${names.alice}`,
      operation: 'WRITE',
      permission: 'DENY',
    };
    const created = await call('admin', 'acls.create', binding);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const listed = await call('admin', 'acls.list', { resourceName: topic });
    expect(listed.body.result.data).toEqual([{ ...binding, host: '*' }]);
    const bad = await call('admin', 'acls.create', { ...binding, resourceType: 'CLUSTER' });
    expect(bad.status).toBe(400);
    expect(kafkaName(bad)).toBe('INVALID_REQUEST');
    const everything = await call('admin', 'acls.delete', {});
    expect(kafkaName(everything)).toBe('INVALID_REQUEST');
    for (const who of ['alice', 'vic'] as const) {
      const refused = await call(who, 'acls.list', {});
      expect(refused.status).toBe(403);
      expect(kafkaName(refused)).toBe('CLUSTER_AUTHORIZATION_FAILED');
    }
    // The DENY is in force: alice may not produce to the topic, bob (no binding of his, but the topic is bound) neither.
    const produce = (who: keyof typeof tokens, t: string) => call(who, 'records.produce', { topic: t, records: [{ value: 'v' }] });
    const refused = await produce('alice', topic);
    expect(refused.status).toBe(403);
    expect(kafkaName(refused)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect((await produce('bob', topic)).status).toBe(403);
    expect((await produce('alice', other)).status).toBe(200); // no binding on it: the role decides
    expect((await produce('admin', topic)).status).toBe(200); // admins are super users
    const deleted = await call('admin', 'acls.delete', { resourceName: topic, permission: 'DENY' });
    expect(deleted.body.result.data.deleted).toHaveLength(1);
    expect((await produce('alice', topic)).status).toBe(200);
    const audit = await broker.auth.audit.list({ actor: names.admin });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['acls.create', 'acls.delete']));
  });

  it('lists show only what the caller may DESCRIBE; a named resource without it is 403', async () => {
    await broker.auth.acls.create(ADMIN_ACTOR, [
      {
        resourceType: 'TOPIC',
        patternType: 'LITERAL',
        resourceName: other,
        principal: `User:${names.bob}`,
        host: '*',
        operation: 'READ',
        permission: 'ALLOW',
      },
      {
        resourceType: 'GROUP',
        patternType: 'LITERAL',
        resourceName: group,
        principal: `User:${names.bob}`,
        host: '*',
        operation: 'READ',
        permission: 'ALLOW',
      },
    ]);
    const topics = async (who: keyof typeof tokens) =>
      (await call(who, 'topics.list')).body.result.data.map((t: { name: string }) => t.name);
    expect(await topics('alice')).not.toContain(other);
    expect(await topics('vic')).not.toContain(other);
    expect(await topics('bob')).toContain(other);
    expect(await topics('admin')).toContain(other);
    expect((await call('alice', 'topics.get', { name: other })).status).toBe(403);
    expect((await call('bob', 'topics.get', { name: other })).status).toBe(200);
    const browse = await call('vic', 'records.browse', { topic: other });
    expect(kafkaName(browse)).toBe('TOPIC_AUTHORIZATION_FAILED');
    const groups = async (who: keyof typeof tokens) =>
      (await call(who, 'groups.list')).body.result.data.map((g: { groupId: string }) => g.groupId);
    expect(await groups('alice')).not.toContain(group);
    expect(await groups('bob')).toContain(group);
    const described = await call('alice', 'groups.describe', { groupId: group });
    expect(described.status).toBe(403);
    expect(kafkaName(described)).toBe('GROUP_AUTHORIZATION_FAILED');
    // Committing needs READ on the group and on each topic committed.
    const commit = (who: keyof typeof tokens, t: string) =>
      call(who, 'groups.commit', { groupId: group, offsets: [{ topic: t, partition: 0, offset: 0 }] });
    expect(kafkaName(await commit('alice', other))).toBe('GROUP_AUTHORIZATION_FAILED');
    expect((await commit('bob', other)).status).toBe(200);
    await broker.auth.acls.create(ADMIN_ACTOR, [
      {
        resourceType: 'TOPIC',
        patternType: 'LITERAL',
        resourceName: topic,
        principal: 'User:*',
        host: '*',
        operation: 'READ',
        permission: 'DENY',
      },
    ]);
    expect(kafkaName(await commit('bob', topic))).toBe('TOPIC_AUTHORIZATION_FAILED');
  });
});

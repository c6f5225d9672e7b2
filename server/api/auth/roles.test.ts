import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { snapshotState } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { stopShops } from '@/server/examples/shop/registry';
import { stopAllMembers } from '@/server/examples/tour/group';
import { SCRATCH_TOPIC } from '@/server/examples/tour/names';
import { type Permission, type Principal, type Role, roleAllows } from '@/server/kernel/auth-types';
import { appRouter } from '../root';
import { type Answer, type Credentials, callProcedure, startAppServer } from './test-app';

type Cls = 'public' | `${Permission}:${'topic' | 'group' | 'cluster'}`;

/**
 * Every procedure of appRouter, its class and an input that reaches its engine call. A procedure that is
 * not listed here fails the test below: a new one must be classed (and so checked) here.
 */
const PROCEDURES: Record<string, [Cls, unknown]> = {
  'auth.login': ['public', { username: 'viewer-user', password: 'viewer-password' }],
  'auth.logout': ['public', undefined],
  'auth.me': ['public', undefined],
  'auth.createToken': ['admin:cluster', { name: 'made-here', role: 'viewer' }],
  'auth.revokeToken': ['admin:cluster', { name: 'to-revoke' }],
  'auth.tokens': ['admin:cluster', undefined],
  'auth.users': ['admin:cluster', undefined],
  'auth.addUser': ['admin:cluster', { name: 'new-user', password: 'new-user-password', role: 'viewer' }],
  'auth.setPassword': ['admin:cluster', { name: 'new-user', password: 'another-password' }],
  'auth.setRole': ['admin:cluster', { name: 'new-user', role: 'producer' }],
  'auth.removeUser': ['admin:cluster', { name: 'new-user' }],
  'auth.audit': ['admin:cluster', { limit: 5 }],
  'acls.list': ['admin:cluster', undefined],
  'acls.create': [
    'admin:cluster',
    {
      resourceType: 'TOPIC',
      patternType: 'LITERAL',
      resourceName: 'acl-made',
      principal: 'User:someone',
      operation: 'READ',
      permission: 'ALLOW',
    },
  ],
  'acls.delete': ['admin:cluster', { resourceName: 'acl-made' }],
  'topics.list': ['read:topic', undefined],
  'topics.get': ['read:topic', { name: 't' }],
  'topics.segments': ['read:topic', { name: 't' }],
  'topics.create': ['admin:topic', { name: 'created', partitions: 1 }],
  'topics.delete': ['admin:topic', { name: 'doomed' }],
  'topics.alterConfigs': ['admin:topic', { name: 't', configs: { 'retention.ms': 86_400_000 } }],
  'topics.addPartitions': ['admin:topic', { name: 'grows', count: 2 }],
  'records.produce': ['write:topic', { topic: 't', records: [{ key: 'k', value: 'v' }] }],
  'records.fetch': ['write:topic', { topic: 't', partition: 0, offset: 0 }],
  'records.tail': ['write:topic', { topic: 't', partition: 0, offset: 0 }],
  'records.browse': ['read:topic', { topic: 't' }],
  'records.tailTopic': ['read:topic', { topic: 't' }],
  'records.listOffsets': ['read:topic', { topic: 't', partition: 0, spec: 'latest' }],
  'groups.heartbeat': ['write:group', { groupId: 'g-join', memberEpoch: 0, topics: ['t'] }],
  'groups.commit': ['write:group', { groupId: 'g', offsets: [{ topic: 't', partition: 0, offset: 1 }] }],
  'groups.fetchOffsets': ['read:group', { groupId: 'g' }],
  'groups.list': ['read:group', undefined],
  'groups.describe': ['read:group', { groupId: 'g' }],
  'groups.byTopic': ['read:group', { topic: 't' }],
  'groups.lag': ['read:group', { groupId: 'g' }],
  'groups.lagHistory': ['read:group', { groupId: 'g' }],
  'groups.resetOffsets': ['admin:group', { groupId: 'g', topic: 't', to: 'earliest' }],
  'groups.deleteOffsets': ['admin:group', { groupId: 'g-offsets', topic: 't' }],
  'groups.delete': ['admin:group', { groupId: 'g-gone' }],
  'clusters.describe': ['read:cluster', undefined],
  'rates.history': ['read:topic', undefined],
  'rates.topics': ['read:topic', undefined],
  'shop.start': ['admin:cluster', undefined],
  'shop.status': ['read:cluster', undefined],
  'shop.placeOrder': ['admin:cluster', { customer: 'ada', item: 'tea', quantity: 1 }],
  'shop.generator': ['admin:cluster', { ratePerSecond: 0 }],
  'shop.service': ['admin:cluster', { service: 'email', paused: true }],
  'shop.crashMember': ['admin:cluster', { service: 'email' }],
  'shop.replay': ['admin:cluster', { service: 'email' }],
  'shop.reset': ['admin:cluster', undefined],
  'learn.start': ['admin:cluster', undefined],
  'learn.partitionFor': ['read:cluster', { key: 'k', partitions: 3 }],
  'learn.scratch': ['read:cluster', undefined],
  'learn.group': ['read:cluster', undefined],
  'learn.addConsumer': ['admin:cluster', undefined],
  'learn.removeConsumer': ['admin:cluster', undefined],
};

const REFUSAL = { topic: 'TOPIC_AUTHORIZATION_FAILED', group: 'GROUP_AUTHORIZATION_FAILED', cluster: 'CLUSTER_AUTHORIZATION_FAILED' };

const ADMIN_ACTOR = {
  principal: { kind: 'anonymous', name: 'test-setup', role: 'admin', hidePayloads: false } as Principal,
  address: null,
};

/** Callers: no credentials, a viewer's session cookie, producer and admin tokens, an expired and a revoked token. */
type Caller = { label: string; role: Role | null; credentials: Credentials };

/**
 * On PGlite: a database of its own, so that the whole state can be compared and the examples' fixed names
 * (shop.orders, the tour's scratch topic) are not shared with their own tests running in parallel.
 */
describe('every procedure checks its class, with auth on', () => {
  let broker: Broker;
  let db: Database;
  let server: { url: string; close(): Promise<void> };
  const callers: Caller[] = [];
  testBroker(
    'pglite',
    (env) => {
      broker = env.broker;
      db = env.db;
    },
    { auth: { mode: 'on', hidePayloadRoles: ['viewer'] } },
  );

  beforeAll(async () => {
    server = await startAppServer(broker);
    for (const name of ['t', 'doomed', 'grows']) await broker.createTopic({ name, partitions: 1 });
    await broker.produce('t', [{ key: Buffer.from('secret-key'), value: Buffer.from('secret-value'), headers: [] }]);
    for (const groupId of ['g', 'g-offsets', 'g-gone'])
      await broker.groups.commit({ groupId, offsets: [{ topic: 't', partition: 0, offset: 1 }] });
    await broker.auth.users.add({ name: 'viewer-user', password: 'viewer-password', role: 'viewer' }, ADMIN_ACTOR);
    const token = async (name: string, role: Role) => (await broker.auth.tokens.create({ name, role }, ADMIN_ACTOR)).token;
    const producer = await token('producer-token', 'producer');
    const admin = await token('admin-token', 'admin');
    const expired = await token('expired-token', 'admin');
    await db.query('UPDATE api_tokens SET expires_at = $1 WHERE name = $2', [Date.now() - 1000, 'expired-token']);
    const revoked = await token('revoked-token', 'admin');
    await broker.auth.tokens.revoke('revoked-token', ADMIN_ACTOR);
    await token('to-revoke', 'viewer');
    const login = await callProcedure(server.url, 'auth.login', { username: 'viewer-user', password: 'viewer-password' });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    callers.push(
      { label: 'no credentials', role: null, credentials: {} },
      { label: 'viewer (session cookie)', role: 'viewer', credentials: { cookie } },
      { label: 'producer (token)', role: 'producer', credentials: { bearer: producer } },
      { label: 'admin (token)', role: 'admin', credentials: { bearer: admin } },
      { label: 'expired token', role: null, credentials: { bearer: expired } },
      { label: 'revoked token', role: null, credentials: { bearer: revoked } },
    );
  });
  afterAll(async () => {
    await Promise.all([stopShops(), stopAllMembers()]);
    await server?.close();
  });

  it('has a class for every procedure of the router, and the router for every class listed', () => {
    const paths = Object.keys(appRouter._def.procedures).sort();
    expect(paths).toEqual(Object.keys(PROCEDURES).sort());
    for (const path of paths) {
      const meta = (appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { auth?: unknown } } }>)[path]._def.meta;
      const [cls] = PROCEDURES[path];
      expect(meta?.auth, path).toEqual(
        cls === 'public' ? 'public' : expect.objectContaining({ permission: cls.split(':')[0], resource: cls.split(':')[1] }),
      );
    }
  });

  /** What every refused call of the table may not change. */
  async function state(): Promise<string> {
    const log = await snapshotState(db);
    const groups = await db.query('SELECT * FROM consumer_groups ORDER BY group_id');
    const users = await broker.auth.users.list();
    const tokens = (await broker.auth.tokens.list()).map((t) => ({ name: t.name, role: t.role, revokedAt: t.revokedAt }));
    const sessions = await db.query('SELECT count(*)::int AS n FROM sessions');
    return JSON.stringify({ log, groups, users, tokens, sessions });
  }

  const allowed = (caller: Caller, cls: Cls) =>
    cls === 'public' || (caller.role !== null && roleAllows(caller.role, cls.split(':')[0] as Permission));

  function expectRefused(answer: Answer, caller: Caller, cls: Cls, path: string) {
    const what = `${path} as ${caller.label}`;
    if (caller.role === null) {
      expect(answer.status, what).toBe(401);
      expect(answer.body.error.data.code, what).toBe('UNAUTHORIZED');
      expect(answer.body.error.data.kafka.name, what).toBe('SASL_AUTHENTICATION_FAILED');
    } else {
      expect(answer.status, what).toBe(403);
      expect(answer.body.error.data.code, what).toBe('FORBIDDEN');
      expect(answer.body.error.data.kafka.name, what).toBe(REFUSAL[cls.split(':')[1] as keyof typeof REFUSAL]);
    }
  }

  it('refuses every call below its class (401 without valid credentials, 403 with a lower role) and changes nothing', async () => {
    const before = await state();
    let refusals = 0;
    for (const caller of callers)
      for (const [path, [cls, input]] of Object.entries(PROCEDURES)) {
        if (allowed(caller, cls)) continue;
        expectRefused(await callProcedure(server.url, path, input, caller.credentials), caller, cls, path);
        refusals++;
      }
    // 3 callers without credentials x 50 classed procedures, the viewer's 27 writes and admins, the producer's 24 admins.
    expect(refusals).toBeGreaterThan(200);
    expect(await state()).toBe(before);
  });

  it('audits refused admin calls as denied, with who, what and from where', async () => {
    const entries = await broker.auth.audit.list({ action: 'topics.delete' });
    const denied = entries.filter((e) => e.outcome === 'denied');
    expect(denied.map((e) => e.actor).sort()).toEqual(['producer-token', 'viewer-user']);
    expect(denied[0]).toMatchObject({ target: 'doomed', address: '127.0.0.1' });
  });

  it('lets every caller at or above the class through (never 401, 403 or 5xx)', async () => {
    for (const caller of callers)
      for (const [path, [cls, input]] of Object.entries(PROCEDURES)) {
        if (!allowed(caller, cls) || path === 'auth.login' || path === 'auth.logout') continue;
        const answer = await callProcedure(server.url, path, input, caller.credentials);
        expect([401, 403], `${path} as ${caller.label}: ${JSON.stringify(answer.body)}`).not.toContain(answer.status);
        expect(answer.status, `${path} as ${caller.label}: ${JSON.stringify(answer.body)}`).toBeLessThan(500);
      }
    // The admin's changes happened, and were audited once each: their own, and what the shop's reset did
    // for them (it acts as its caller, so the audit names who asked, with no socket address).
    expect((await broker.listTopics()).map((t) => t.name)).toContain('created');
    const deletes = (await broker.auth.audit.list({ action: 'topics.delete' })).filter((e) => e.outcome === 'ok');
    expect(deletes.map((e) => [e.actor, e.actorKind, e.target, e.address]).sort()).toEqual([
      ['admin-token', 'token', 'doomed', '127.0.0.1'],
      ['admin-token', 'token', 'shop.orders', null],
    ]);
  });

  it('hides payloads from a role listed in BROOK_HIDE_PAYLOADS (and refuses to search them), not from others', async () => {
    const viewer = callers[1].credentials;
    const admin = callers[3].credentials;
    const hidden = await callProcedure(server.url, 'records.browse', { topic: 't', start: 'oldest' }, viewer);
    expect(hidden.body.result.data.records.find((r: { offset: number }) => r.offset === 0)).toMatchObject({
      offset: 0,
      key: null,
      value: null,
      hidden: true,
    });
    const shown = await callProcedure(server.url, 'records.browse', { topic: 't', start: 'oldest' }, admin);
    expect(shown.body.result.data.records.find((r: { offset: number }) => r.offset === 0)).toMatchObject({
      key: Buffer.from('secret-key').toString('base64'),
    });
    expect(shown.body.result.data.records[0].hidden).toBeUndefined();
    // The tour's lanes show records too (the admin's learn.start above created its topic).
    await broker.produce(SCRATCH_TOPIC, [{ key: Buffer.from('k'), value: Buffer.from('tour-secret'), headers: [] }]);
    const lanes = await callProcedure(server.url, 'learn.scratch', undefined, viewer);
    expect(JSON.stringify(lanes.body)).not.toContain('tour-secret');
    expect(lanes.body.result.data.lanes.flatMap((l: { recent: unknown[] }) => l.recent)).toEqual([
      expect.objectContaining({ key: null, value: null, hidden: true }),
    ]);
    expect(JSON.stringify((await callProcedure(server.url, 'learn.scratch', undefined, admin)).body)).toContain('tour-secret');
    const search = await callProcedure(server.url, 'records.browse', { topic: 't', filter: { text: 'secret' } }, viewer);
    expect(search.status).toBe(403);
    expect(search.body.error.data.kafka.name).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('says who the caller is (auth.me), and nothing with a revoked token', async () => {
    const me = await callProcedure(server.url, 'auth.me', undefined, callers[2].credentials);
    expect(me.body.result.data).toEqual({
      mode: 'on',
      principal: { name: 'producer-token', kind: 'token', role: 'producer', hidePayloads: false },
    });
    const revoked = await callProcedure(server.url, 'auth.me', undefined, callers[5].credentials);
    expect(revoked.body.result.data).toEqual({ mode: 'on', principal: null });
  });
});

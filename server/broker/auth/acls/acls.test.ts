import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, testBackends, uniqueName } from '@/db/testing';
import { type Broker, createBroker } from '../../index';
import { until } from '../../testing';
import type { AuditActor } from '../index';

const cli: AuditActor = { principal: { kind: 'user', name: 'cli', role: 'admin', hidePayloads: false }, address: null };

describe.each(testBackends())('ACL store and cache on %s', (backend) => {
  let db: Database;
  let a: Broker;
  let b: Broker;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    // Two instances on one database. b's version check is a minute apart: what b enforces within seconds came by NOTIFY.
    a = createBroker(db, { auth: { mode: 'on', aclRecheckMs: 200 } });
    b = createBroker(db, { auth: { mode: 'on', aclRecheckMs: 60_000 } });
    await a.start();
    await b.start();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.close();
  });

  it('creates valid bindings, refuses bad ones one by one, keeps duplicates once, and audits the change', async () => {
    const topic = uniqueName('acl-store');
    const binding = {
      resourceType: 'TOPIC',
      patternType: 'LITERAL',
      resourceName: topic,
      principal: 'User:alice',
      host: '*',
      operation: 'READ',
      permission: 'ALLOW',
    };
    const outcomes = await a.auth.acls.create(cli, [binding, { ...binding, operation: 'FLY' }, binding]);
    expect(outcomes.map((o) => o?.kafkaName ?? null)).toEqual([null, 'INVALID_REQUEST', null]);
    expect(await a.auth.acls.describe({ resourceName: topic })).toEqual([binding]);
    expect(await a.auth.acls.describe({ resourceName: topic, principal: 'User:bob' })).toEqual([]);
    const audit = await a.auth.audit.list({ actor: 'cli' });
    expect(audit.some((e) => e.action === 'acls.create' && e.outcome === 'ok')).toBe(true);
  });

  it('a change on one instance is enforced by the other at once (NOTIFY); delete returns what it removed', async () => {
    const topic = uniqueName('acl-x');
    const alice = { name: uniqueName('alice'), role: 'producer' as const };
    expect(b.auth.acls.allows(alice, null, 'WRITE', 'TOPIC', topic)).toBe(true);
    const deny = {
      resourceType: 'TOPIC',
      patternType: 'PREFIXED',
      resourceName: topic,
      principal: `User:${alice.name}`,
      host: '*',
      operation: 'WRITE',
      permission: 'DENY',
    };
    await a.auth.acls.create(cli, [deny]);
    expect(a.auth.acls.allows(alice, null, 'WRITE', 'TOPIC', `${topic}-1`)).toBe(false); // at once on the writer
    await until(() => !b.auth.acls.allows(alice, null, 'WRITE', 'TOPIC', `${topic}-1`), 'the other instance to enforce the DENY', 2_000);
    expect(b.auth.acls.allows({ ...alice, role: 'admin' }, null, 'WRITE', 'TOPIC', `${topic}-1`)).toBe(true);
    const removed = await b.auth.acls.delete(cli, [
      { resourceType: 'TOPIC', patternType: 'MATCH', resourceName: `${topic}-1`, principal: `User:${alice.name}` },
    ]);
    expect(removed).toEqual([[deny]]);
    await until(() => a.auth.acls.allows(alice, null, 'WRITE', 'TOPIC', `${topic}-1`), 'the delete to reach the first instance', 2_000);
  });

  it('the version check alone catches a change whose notification was missed', async () => {
    const topic = uniqueName('acl-quiet');
    const carol = { name: uniqueName('carol'), role: 'producer' as const };
    // Written behind the caches' backs: no NOTIFY, only the version bump a change makes.
    await db.query(
      `INSERT INTO acls (resource_type, pattern_type, resource_name, principal, host, operation, permission, created_at, created_by)
       VALUES ('TOPIC', 'LITERAL', $1, $2, '*', 'ALL', 'DENY', 0, 'test')`,
      [topic, `User:${carol.name}`],
    );
    await db.query(`INSERT INTO acl_version (id, version) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET version = acl_version.version + 1`);
    await until(() => !a.auth.acls.allows(carol, null, 'READ', 'TOPIC', topic), 'the version check to reload the cache', 3_000);
  });

  it('refuses a bad filter with INVALID_REQUEST and deletes nothing', async () => {
    const before = (await a.auth.acls.describe({})).length;
    await expect(a.auth.acls.delete(cli, [{ patternType: 'SOME' }])).rejects.toMatchObject({ kafkaName: 'INVALID_REQUEST' });
    expect((await a.auth.acls.describe({})).length).toBe(before);
  });
});

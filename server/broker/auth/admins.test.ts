import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase } from '@/db/testing';
import { expectKafkaError } from '../testing';
import { type AuditActor, Auth } from './index';

// The first and last admin are about the whole user table, so these run on a database of their own (a
// fresh PGlite): on the shared Postgres test database other files add admins of their own.
describe('the first and the last admin (pglite)', () => {
  let db: Database;
  let auth: Auth;
  const cli: AuditActor = { principal: { kind: 'user', name: 'cli', role: 'admin', hidePayloads: false }, address: null };
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    auth = new Auth(db, Date.now, { mode: 'on' });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('ensureAdmin creates user admin, leaves it when the password matches, updates password and role otherwise', async () => {
    expect(await auth.users.count()).toBe(0);
    expect(await auth.ensureAdmin('first admin password')).toBe('created');
    expect(await auth.ensureAdmin('first admin password')).toBe('unchanged');
    const { session } = await auth.login({ username: 'admin', password: 'first admin password', address: null });
    expect(await auth.ensureAdmin('second admin password')).toBe('updated');
    expect(await auth.session(session)).toBeNull(); // a changed password ends sessions
    await expectKafkaError(
      auth.login({ username: 'admin', password: 'first admin password', address: null }),
      'SASL_AUTHENTICATION_FAILED',
    );
    expect((await auth.login({ username: 'admin', password: 'second admin password', address: null })).principal.role).toBe('admin');
    expect((await auth.audit.list({ actor: 'BROOK_ADMIN_PASSWORD' })).map((e) => e.action)).toEqual(['users.password', 'users.add']);
    await expectKafkaError(auth.ensureAdmin('short'), 'UNACCEPTABLE_CREDENTIAL');
  });

  it('never removes or demotes the last admin; another admin makes it possible', async () => {
    await expectKafkaError(auth.users.remove('admin', cli), 'POLICY_VIOLATION');
    const demote = await expectKafkaError(auth.users.setRole('admin', 'producer', cli), 'POLICY_VIOLATION');
    expect(demote.message).toMatch(/last admin/);
    expect((await auth.users.list()).map((u) => [u.name, u.role])).toEqual([['admin', 'admin']]);

    await auth.users.add({ name: 'second', password: 'second password', role: 'admin' }, cli);
    await auth.users.setRole('admin', 'viewer', cli);
    // A demoted `admin` is made admin again by BROOK_ADMIN_PASSWORD at the next start.
    expect(await auth.ensureAdmin('second admin password')).toBe('updated');
    await auth.users.remove('admin', cli);
    await expectKafkaError(auth.users.remove('second', cli), 'POLICY_VIOLATION');
    await expectKafkaError(auth.users.setRole('second', 'viewer', cli), 'POLICY_VIOLATION');
    await auth.users.setRole('second', 'admin', cli); // no change of role: allowed
    expect((await auth.users.list()).map((u) => [u.name, u.role])).toEqual([['second', 'admin']]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, testBackends, uniqueName } from '@/db/testing';
import { expectKafkaError } from '../testing';
import { type AuditActor, Auth } from './index';

const HOUR = 3_600_000;
const admin = (name = 'test-admin'): AuditActor => ({
  principal: { kind: 'user', name, role: 'admin', hidePayloads: false },
  address: '10.0.0.1',
});
const password = 'a good long password';

describe.each(testBackends())('Auth (%s)', (backend) => {
  let db: Database;
  let clock = Date.UTC(2030, 0, 1);
  let auth: Auth;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    auth = new Auth(db, () => clock, { mode: 'on', sessionTtlMs: 2 * HOUR, hidePayloadRoles: ['viewer'], auditRetentionMs: 24 * HOUR });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('adds users, refuses bad names, short passwords and taken names, and changes nothing then', async () => {
    const name = uniqueName('alice');
    const added = await auth.users.add({ name, password, role: 'producer' }, admin());
    expect(added).toMatchObject({ name, role: 'producer' });
    expect((await auth.users.list()).find((u) => u.name === name)?.role).toBe('producer');
    await expectKafkaError(auth.users.add({ name, password, role: 'viewer' }, admin()), 'DUPLICATE_RESOURCE');
    await expectKafkaError(auth.users.add({ name: 'no spaces', password, role: 'viewer' }, admin()), 'INVALID_REQUEST');
    await expectKafkaError(auth.users.add({ name: 'x'.repeat(65), password, role: 'viewer' }, admin()), 'INVALID_REQUEST');
    await expectKafkaError(
      auth.users.add({ name: uniqueName('bob'), password: 'short', role: 'viewer' }, admin()),
      'UNACCEPTABLE_CREDENTIAL',
    );
    await expectKafkaError(auth.users.add({ name: uniqueName('bob'), password, role: 'root' as 'admin' }, admin()), 'INVALID_REQUEST');
    const [row] = await db.query<{ password_hash: string; scram_sha256: unknown }>(
      `SELECT password_hash, scram_sha256 FROM users WHERE name = $1`,
      [name],
    );
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(row)).not.toContain(password);
  });

  it('logs in, finds the session by its secret, expires it with the clock, logs out', async () => {
    const name = uniqueName('carol');
    await auth.users.add({ name, password, role: 'viewer' }, admin());
    const address = uniqueName('addr');
    const { principal, session, expiresAt } = await auth.login({ username: name, password, address });
    expect(principal).toMatchObject({ kind: 'user', name, role: 'viewer', hidePayloads: true });
    expect(expiresAt.getTime()).toBe(clock + 2 * HOUR);
    const [stored] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sessions WHERE secret_hash = $1`, [session]);
    expect(stored.n).toBe(0); // only its hash is stored
    expect(await auth.session(session)).toMatchObject({ kind: 'user', name, role: 'viewer' });
    expect(await auth.session(`${session}x`)).toBeNull();
    expect(await auth.session('')).toBeNull();

    // A role change applies to the open session at once.
    await auth.users.setRole(name, 'producer', admin());
    expect((await auth.session(session))?.role).toBe('producer');

    const start = clock;
    clock = start + 2 * HOUR - 1;
    expect(await auth.session(session)).not.toBeNull();
    clock = start + 2 * HOUR;
    expect(await auth.session(session)).toBeNull();
    clock = start;

    const second = await auth.login({ username: name, password, address });
    await auth.logout(second.session, { principal: second.principal, address });
    expect(await auth.session(second.session)).toBeNull();
  });

  it('refuses a wrong password and an unknown user with the same error and message', async () => {
    const name = uniqueName('dave');
    await auth.users.add({ name, password, role: 'viewer' }, admin());
    const wrong = await expectKafkaError(
      auth.login({ username: name, password: 'wrong password!', address: null }),
      'SASL_AUTHENTICATION_FAILED',
    );
    const unknown = await expectKafkaError(
      auth.login({ username: uniqueName('nobody'), password, address: null }),
      'SASL_AUTHENTICATION_FAILED',
    );
    expect(wrong.message).toBe(unknown.message);
    expect(wrong.message).not.toContain(name);
    await expectKafkaError(auth.login({ username: '', password: '', address: null }), 'SASL_AUTHENTICATION_FAILED');
    await expectKafkaError(auth.login({ username: name, password: 'p'.repeat(5000), address: null }), 'SASL_AUTHENTICATION_FAILED');
  });

  it('a new password ends the sessions; a removed user cannot log in and their sessions end', async () => {
    const name = uniqueName('erin');
    await auth.users.add({ name, password, role: 'viewer' }, admin());
    const { session } = await auth.login({ username: name, password, address: null });
    await auth.users.setPassword(name, 'another long password', admin());
    expect(await auth.session(session)).toBeNull();
    await expectKafkaError(auth.login({ username: name, password, address: null }), 'SASL_AUTHENTICATION_FAILED');
    const again = await auth.login({ username: name, password: 'another long password', address: null });
    await auth.users.remove(name, admin());
    expect(await auth.session(again.session)).toBeNull();
    await expectKafkaError(auth.login({ username: name, password: 'another long password', address: null }), 'SASL_AUTHENTICATION_FAILED');
    await expectKafkaError(auth.users.remove(name, admin()), 'RESOURCE_NOT_FOUND');
    await expectKafkaError(auth.users.setPassword(name, password, admin()), 'RESOURCE_NOT_FOUND');
    await expectKafkaError(auth.users.setRole(name, 'viewer', admin()), 'RESOURCE_NOT_FOUND');
  });

  it('tokens: shown once, stored hashed, bearer until expiry or revocation; last use recorded', async () => {
    const name = uniqueName('ci');
    const { token, summary } = await auth.tokens.create({ name, role: 'producer', expiresInDays: 1 }, admin('maker'));
    expect(token).toMatch(/^brook_[A-Za-z0-9_-]{43}$/);
    expect(summary).toMatchObject({ name, role: 'producer', createdBy: 'maker', lastUsedAt: null, revokedAt: null });
    expect(summary.expiresAt?.getTime()).toBe(clock + 24 * HOUR);
    const rows = await db.query(`SELECT * FROM api_tokens WHERE name = $1`, [name]);
    expect(JSON.stringify(rows)).not.toContain(token.slice(6));

    expect(await auth.bearer(token)).toMatchObject({ kind: 'token', name, role: 'producer', hidePayloads: false });
    expect(await auth.bearer(`${token}x`)).toBeNull();
    expect(await auth.bearer('not-a-token')).toBeNull();
    expect((await auth.tokens.list()).find((t) => t.name === name)?.lastUsedAt?.getTime()).toBe(clock);

    const start = clock;
    clock = start + 24 * HOUR;
    expect(await auth.bearer(token)).toBeNull();
    clock = start;

    await expectKafkaError(auth.tokens.create({ name, role: 'viewer' }, admin()), 'DUPLICATE_RESOURCE');
    await auth.tokens.revoke(name, admin());
    expect(await auth.bearer(token)).toBeNull();
    expect((await auth.tokens.list()).find((t) => t.name === name)?.revokedAt?.getTime()).toBe(clock);
    await auth.tokens.revoke(name, admin()); // again: nothing to do
    await expectKafkaError(auth.tokens.revoke(uniqueName('none'), admin()), 'RESOURCE_NOT_FOUND');
    // A revoked token's name can be given to a new token.
    const renewed = await auth.tokens.create({ name, role: 'viewer' }, admin());
    expect(await auth.bearer(renewed.token)).toMatchObject({ name, role: 'viewer', hidePayloads: true });
    expect(await auth.bearer(token)).toBeNull();
    await expectKafkaError(auth.tokens.create({ name: uniqueName('t'), role: 'viewer', expiresInDays: 0 }, admin()), 'INVALID_REQUEST');
    await expectKafkaError(auth.tokens.create({ name: uniqueName('t'), role: 'viewer', expiresInDays: 1.5 }, admin()), 'INVALID_REQUEST');
  });

  it('users and tokens never share a name', async () => {
    const name = uniqueName('shared');
    await auth.users.add({ name, password, role: 'viewer' }, admin());
    await expectKafkaError(auth.tokens.create({ name, role: 'viewer' }, admin()), 'DUPLICATE_RESOURCE');
    const other = uniqueName('shared');
    await auth.tokens.create({ name: other, role: 'viewer' }, admin());
    await expectKafkaError(auth.users.add({ name: other, password, role: 'viewer' }, admin()), 'DUPLICATE_RESOURCE');
  });

  it('SASL: checkPassword takes a password or, whatever the user name, an API token', async () => {
    const name = uniqueName('kafka-user');
    await auth.users.add({ name, password, role: 'producer' }, admin());
    expect(await auth.checkPassword({ username: name, password, address: null, via: 'sasl' })).toMatchObject({ kind: 'user', name });
    const { token } = await auth.tokens.create({ name: uniqueName('kafka-token'), role: 'viewer' }, admin());
    expect(await auth.checkPassword({ username: 'anything', password: token, address: null, via: 'sasl' })).toMatchObject({
      kind: 'token',
      role: 'viewer',
    });
    await expectKafkaError(
      auth.checkPassword({ username: name, password: 'wrong password', address: null, via: 'sasl' }),
      'SASL_AUTHENTICATION_FAILED',
    );
    // The console login does not take a token as a password.
    await expectKafkaError(auth.login({ username: 'anything', password: token, address: null }), 'SASL_AUTHENTICATION_FAILED');
  });

  it('SCRAM: the credential of a user, else of a live token of that name', async () => {
    const user = uniqueName('scram-user');
    await auth.users.add({ name: user, password, role: 'producer' }, admin());
    const forUser = await auth.scramCredential('SCRAM-SHA-512', user);
    expect(forUser?.principal).toMatchObject({ kind: 'user', name: user, role: 'producer' });
    expect(forUser?.credential.iterations).toBe(4096);
    expect(forUser?.credential.storedKey).toHaveLength(64);
    const tokenName = uniqueName('scram-token');
    await auth.tokens.create({ name: tokenName, role: 'viewer' }, admin());
    const forToken = await auth.scramCredential('SCRAM-SHA-256', tokenName);
    expect(forToken?.principal).toMatchObject({ kind: 'token', name: tokenName, role: 'viewer' });
    expect(forToken?.credential.storedKey).toHaveLength(32);
    await auth.tokens.revoke(tokenName, admin());
    expect(await auth.scramCredential('SCRAM-SHA-256', tokenName)).toBeNull();
    expect(await auth.scramCredential('SCRAM-SHA-256', uniqueName('nobody'))).toBeNull();
    expect(await auth.scramCredential('SCRAM-SHA-256', 'bad name')).toBeNull();
    await expectKafkaError(auth.scramCredential('SCRAM-SHA-1' as 'SCRAM-SHA-256', user), 'UNSUPPORTED_SASL_MECHANISM');
  });

  it('audits logins, failures, logouts and every user and token change, without secrets', async () => {
    const name = uniqueName('henry');
    const tokenName = uniqueName('henry-token');
    const actor = admin(uniqueName('auditor'));
    await auth.users.add({ name, password, role: 'viewer' }, actor);
    await auth.users.setRole(name, 'producer', actor);
    await auth.users.setPassword(name, `${password}!`, actor);
    const { session, principal } = await auth.login({ username: name, password: `${password}!`, address: '192.0.2.7' });
    await expectKafkaError(auth.login({ username: name, password: 'nope nope nope', address: '192.0.2.7' }), 'SASL_AUTHENTICATION_FAILED');
    await auth.logout(session, { principal, address: '192.0.2.7' });
    const { token } = await auth.tokens.create({ name: tokenName, role: 'viewer' }, actor);
    await auth.tokens.revoke(tokenName, actor);
    await expectKafkaError(auth.users.add({ name, password, role: 'viewer' }, actor), 'DUPLICATE_RESOURCE');
    await auth.users.remove(name, actor);

    const byActor = await auth.audit.list({ actor: actor.principal.name });
    expect(byActor.map((e) => [e.action, e.target, e.outcome])).toEqual([
      ['users.remove', name, 'ok'],
      ['users.add', name, 'failed'],
      ['tokens.revoke', tokenName, 'ok'],
      ['tokens.create', tokenName, 'ok'],
      ['users.password', name, 'ok'],
      ['users.role', name, 'ok'],
      ['users.add', name, 'ok'],
    ]);
    expect(byActor.every((e) => e.actorKind === 'user' && e.address === '10.0.0.1')).toBe(true);
    expect(byActor[1].details).toMatchObject({ error: 'DUPLICATE_RESOURCE' });
    const byUser = await auth.audit.list({ actor: name });
    expect(byUser.map((e) => [e.action, e.outcome, e.actorKind, e.address])).toEqual([
      ['auth.logout', 'ok', 'user', '192.0.2.7'],
      ['auth.login', 'failed', 'unknown', '192.0.2.7'],
      ['auth.login', 'ok', 'user', '192.0.2.7'],
    ]);
    expect(byUser[0].at.getTime()).toBe(clock);
    const all = JSON.stringify(await auth.audit.list({ limit: 1000 }));
    expect(all).not.toContain(password);
    expect(all).not.toContain(token.slice(6));

    // Paging and filters.
    const page = await auth.audit.list({ actor: actor.principal.name, limit: 2 });
    const next = await auth.audit.list({ actor: actor.principal.name, limit: 2, before: page[1].id });
    expect(next.map((e) => e.action)).toEqual(['tokens.revoke', 'tokens.create']);
    expect((await auth.audit.list({ action: 'tokens.revoke', actor: actor.principal.name })).length).toBe(1);
    await expectKafkaError(auth.audit.list({ before: 'x' }), 'INVALID_REQUEST');
    await expectKafkaError(auth.audit.list({ limit: 0 }), 'INVALID_REQUEST');

    // Secrets passed in details by an edge are redacted.
    await auth.audit.record({
      actor: actor.principal.name,
      actorKind: 'user',
      action: 'test.secret',
      target: null,
      address: null,
      outcome: 'ok',
      details: { password: 'hunter22', nested: { token: 'brook_x' }, ok: 1 },
    });
    const [secret] = await auth.audit.list({ action: 'test.secret', actor: actor.principal.name });
    expect(secret.details).toEqual({ password: '[redacted]', nested: { token: '[redacted]' }, ok: 1 });
  });

  // Pruning deletes by time across the whole (shared) database: these run on a clock in 1990, so they can
  // only ever remove their own rows, never those of test files running beside them.
  it('prunes audit entries past the retention, and only those', async () => {
    let past = Date.UTC(1990, 0, 1);
    const old = new Auth(db, () => past, { mode: 'on', auditRetentionMs: 24 * HOUR });
    const actor = uniqueName('old-actor');
    const entry = { actor, actorKind: 'user', target: null, address: null, outcome: 'ok', details: null } as const;
    await old.audit.record({ ...entry, action: 'test.first' });
    past += 12 * HOUR;
    await old.audit.record({ ...entry, action: 'test.second' });
    past += 12 * HOUR;
    await old.audit.prune(); // exactly 24 h after the first: kept
    expect((await old.audit.list({ actor })).map((e) => e.action)).toEqual(['test.second', 'test.first']);
    past += 1;
    await old.audit.prune();
    expect((await old.audit.list({ actor })).map((e) => e.action)).toEqual(['test.second']);
  });

  it('cleanup removes expired sessions and passed login windows', async () => {
    let past = Date.UTC(1990, 0, 1);
    const old = new Auth(db, () => past, { mode: 'on', sessionTtlMs: 2 * HOUR });
    const name = uniqueName('ivan');
    await old.users.add({ name, password, role: 'viewer' }, admin());
    const { session } = await old.login({ username: name, password, address: null });
    const address = uniqueName('z');
    await expectKafkaError(old.login({ username: name, password: 'wrong password', address }), 'SASL_AUTHENTICATION_FAILED');
    const counters = () => db.query(`SELECT scope FROM login_failures WHERE key IN ($1, $2) ORDER BY scope`, [name, address]);
    expect(await counters()).toEqual([{ scope: 'address' }, { scope: 'user' }]);
    past += 2 * HOUR - 1;
    await old.cleanup();
    expect(await old.session(session)).not.toBeNull();
    past += 1;
    const removed = await old.cleanup();
    expect(removed.sessions).toBeGreaterThanOrEqual(1);
    expect(await db.query(`SELECT 1 FROM sessions WHERE user_name = $1`, [name])).toEqual([]);
    expect(await counters()).toEqual([]);
  });

  it('the anonymous principal is an admin', () => {
    expect(auth.anonymous()).toEqual({ kind: 'anonymous', name: 'anonymous', role: 'admin', hidePayloads: false });
    expect(auth.mode).toBe('on');
  });
});

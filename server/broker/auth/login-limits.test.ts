// The failed-login limits against the lockout attack, both databases: a user name is throttled (a delay of at
// most 30 s, the same for right and wrong passwords), never locked; an address is refused past its limit;
// two Auth instances on one database share both; an admin can always unlock; tokens keep working.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, testBackends, uniqueName } from '@/db/testing';
import { expectKafkaError } from '../testing';
import { type AuditActor, Auth, attemptedName, type LoginThrottled } from './index';

const password = 'a good long password';
const admin: AuditActor = { principal: { kind: 'user', name: 'test-admin', role: 'admin', hidePayloads: false }, address: '10.0.0.1' };
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { kafkaName?: string }) => e.kafkaName ?? String(e),
  );

describe.each(testBackends())('login limits (%s)', (backend) => {
  let db: Database;
  let clock = Date.UTC(2031, 0, 1);
  let auth: Auth;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    auth = new Auth(db, () => clock, { mode: 'on' });
  });
  afterAll(async () => {
    await db?.close();
  });

  const user = async (prefix: string) => {
    const name = uniqueName(prefix);
    await auth.users.add({ name, password, role: 'admin' }, admin);
    return name;
  };
  const login = (name: string, pw: string, address = uniqueName('addr')) => auth.login({ username: name, password: pw, address });

  it('5 failures are free; then each failure delays the name (1, 2, 4 ... s, at most 30 s); waiting it out lets the right password in', async () => {
    const name = await user('throttle');
    for (let i = 0; i < 5; i++) await expectKafkaError(login(name, 'wrong password'), 'SASL_AUTHENTICATION_FAILED');
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      await expectKafkaError(login(name, 'wrong password'), 'SASL_AUTHENTICATION_FAILED'); // checked: its turn
      // Before the delay passes, right and wrong passwords get the same answer, unchecked.
      const right = await expectKafkaError(login(name, password), 'THROTTLING_QUOTA_EXCEEDED');
      const wrong = await expectKafkaError(login(name, 'wrong password'), 'THROTTLING_QUOTA_EXCEEDED');
      expect(right.message).toBe(wrong.message);
      expect(right.message).toMatch(/for this user name: try again in \d+ s/);
      const retryAt = (right as LoginThrottled).retryAt;
      delays.push(retryAt - clock);
      clock = retryAt;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    // Attempts during the delay did not extend it: at its end, the right password gets in and clears the name.
    expect((await login(name, password)).principal.name).toBe(name);
    for (let i = 0; i < 5; i++) await expectKafkaError(login(name, 'wrong password'), 'SASL_AUTHENTICATION_FAILED');
  });

  it('the lockout attack: many wrong logins for admin from many addresses; the owner gets in within the cap', async () => {
    const name = await user('owner');
    const start = clock;
    // 40 addresses, 3 guesses each, as fast as they can, from two instances of the cluster.
    const other = backend === 'postgres' ? await openTestDatabase(backend) : db;
    try {
      const second = new Auth(other, () => clock, { mode: 'on' });
      const guesses = Array.from({ length: 120 }, (_, i) =>
        outcome((i % 2 ? auth : second).login({ username: name, password: `guess ${i}`, address: `198.51.100.${i % 40}` })),
      );
      const outcomes = await Promise.all(guesses);
      // Only the free failures and one claimed turn were checked; every other guess was told to wait.
      expect(outcomes.filter((o) => o === 'SASL_AUTHENTICATION_FAILED')).toHaveLength(6);
      expect(outcomes.filter((o) => o === 'THROTTLING_QUOTA_EXCEEDED')).toHaveLength(114);
      // The attack goes on through the whole delay: it never extends it.
      clock = start + 500;
      await expectKafkaError(login(name, 'again'), 'THROTTLING_QUOTA_EXCEEDED');
      const owner = await expectKafkaError(second.login({ username: name, password, address: '203.0.113.9' }), 'THROTTLING_QUOTA_EXCEEDED');
      clock = (owner as LoginThrottled).retryAt;
      expect(clock - start).toBeLessThanOrEqual(30_000);
      expect((await second.login({ username: name, password, address: '203.0.113.9' })).principal.name).toBe(name);
    } finally {
      if (other !== db) await other.close();
    }
  });

  it('two instances share the delay: one throttles, the other tells the same time; unlock on one frees both', async () => {
    const other = backend === 'postgres' ? await openTestDatabase(backend) : db;
    try {
      const second = new Auth(other, () => clock, { mode: 'on' });
      const name = await user('shared');
      for (let i = 0; i < 6; i++) await expectKafkaError(login(name, 'wrong password'), 'SASL_AUTHENTICATION_FAILED');
      const here = await expectKafkaError(login(name, password), 'THROTTLING_QUOTA_EXCEEDED');
      const there = await expectKafkaError(second.login({ username: name, password, address: null }), 'THROTTLING_QUOTA_EXCEEDED');
      expect((there as LoginThrottled).retryAt).toBe((here as LoginThrottled).retryAt);
      expect(await second.unlock(name, admin)).toBe(true);
      expect((await login(name, password)).principal.name).toBe(name);
      expect(await auth.unlock(name, admin)).toBe(false);
      expect((await auth.audit.list({ action: 'users.unlock' })).filter((e) => e.target === name)).toHaveLength(2);
    } finally {
      if (other !== db) await other.close();
    }
  });

  it('an API token keeps working (PLAIN under the name) while the name is throttled, and does not lift the delay', async () => {
    const name = await user('tokened');
    const { token } = await auth.tokens.create({ name: uniqueName('tok'), role: 'viewer' }, admin);
    const sasl = (pw: string) => auth.checkPassword({ username: name, password: pw, address: uniqueName('b'), via: 'sasl' });
    for (let i = 0; i < 6; i++) await expectKafkaError(sasl('wrong password'), 'SASL_AUTHENTICATION_FAILED');
    await expectKafkaError(sasl(password), 'THROTTLING_QUOTA_EXCEEDED');
    expect((await sasl(token)).kind).toBe('token');
    expect(await auth.bearer(token)).not.toBeNull();
    await expectKafkaError(sasl(password), 'THROTTLING_QUOTA_EXCEEDED');
  });

  it('refuses an address after 20 failures in 15 minutes, whatever the names, right passwords too; only that address', async () => {
    const address = uniqueName('10.1.1');
    for (let i = 0; i < 20; i++) await expectKafkaError(login(uniqueName('guess'), password, address), 'SASL_AUTHENTICATION_FAILED');
    const name = await user('grace');
    const refused = await expectKafkaError(login(name, password, address), 'THROTTLING_QUOTA_EXCEEDED');
    expect(refused.message).toMatch(/from this address: try again in 900 s/);
    await expectKafkaError(auth.checkPassword({ username: name, password, address, via: 'sasl' }), 'THROTTLING_QUOTA_EXCEEDED');
    expect((await login(name, password, uniqueName('elsewhere'))).principal.name).toBe(name);
    // The name was never claimed by the refused attempts.
    expect(await auth.limiter.nextAllowedAt(name, clock)).toBeNull();
    clock += 15 * 60_000;
    expect((await login(name, password, address)).principal.name).toBe(name);
  });

  it("retries during a name's delay do not count against the client's address (a service's reconnect loop)", async () => {
    const name = await user('retrier');
    const address = uniqueName('10.2.2');
    for (let i = 0; i < 6; i++) await expectKafkaError(login(name, 'wrong password', address), 'SASL_AUTHENTICATION_FAILED');
    let told: LoginThrottled | null = null;
    for (let i = 0; i < 30; i++)
      told = (await expectKafkaError(login(name, password, address), 'THROTTLING_QUOTA_EXCEEDED')) as LoginThrottled;
    expect(told?.limit).toBe('user');
    clock = told?.retryAt ?? clock;
    expect((await login(name, password, address)).principal.name).toBe(name);
  });

  it('audits failed names that could pass for real ones quoted and escaped', async () => {
    const name = await user('mimic');
    // Names unique to this test: counters are shared by every test file on the run's database.
    const tries = [`${name} `, `\uff41${name}`, `${name}\u200b`, `"${name}`, name];
    for (const t of tries) await expectKafkaError(login(t, 'wrong password'), 'SASL_AUTHENTICATION_FAILED');
    const actors = (await auth.audit.list({ action: 'auth.login', limit: 5 })).map((e) => e.actor).reverse();
    expect(actors).toEqual([`"${name}\\u0020"`, `"\\uff41${name}"`, `"${name}\\u200b"`, `"\\"${name}"`, name]);
    expect(attemptedName('')).toBe('""');
  });
});

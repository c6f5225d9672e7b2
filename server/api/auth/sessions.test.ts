import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl, uniqueName } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import type { Principal } from '@/server/kernel/auth-types';
import { httpsRequest, makeTestCertificate } from '@/server/serve/test-certificate';
import { callProcedure, startAppServer } from './test-app';

const ADMIN_ACTOR = {
  principal: { kind: 'anonymous', name: 'test-setup', role: 'admin', hidePayloads: false } as Principal,
  address: null,
};
const PASSWORD = 'correct horse battery';
/** Names unique to this run: test files share the Postgres database. */
const ADA = uniqueName('ada');
const OPEN = uniqueName('open');
const SCRAPER = uniqueName('scraper');

/** Set-Cookie's attributes, lower-cased names; the first pair is the cookie itself. */
function cookieParts(header: string | null): { name: string; value: string; attributes: Record<string, string> } {
  const [pair, ...rest] = (header ?? '').split(';').map((s) => s.trim());
  const eq = pair.indexOf('=');
  const attributes = Object.fromEntries(
    rest.map((a) => {
      const i = a.indexOf('=');
      return i < 0 ? [a.toLowerCase(), ''] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
    }),
  );
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}

describe.skipIf(!postgresUrl())('console sessions, login limits and metrics with auth on (postgres)', () => {
  let broker: Broker;
  let server: { url: string; close(): Promise<void> };
  testBroker(
    'postgres',
    (env) => {
      broker = env.broker;
    },
    { auth: { mode: 'on' } },
  );
  beforeAll(async () => {
    server = await startAppServer(broker);
    await broker.auth.users.add({ name: ADA, password: PASSWORD, role: 'producer' }, ADMIN_ACTOR);
  });
  afterAll(async () => {
    delete process.env.BROOK_METRICS_TOKEN;
    await server?.close();
  });

  it('login sets an HttpOnly, SameSite=Strict session cookie, Secure only behind https; the cookie is the session', async () => {
    const login = await callProcedure(server.url, 'auth.login', { username: ADA, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.result.data.principal).toMatchObject({ name: ADA, kind: 'user', role: 'producer' });
    const cookie = cookieParts(login.headers.get('set-cookie'));
    expect(cookie.name).toBe('brook_session');
    expect(cookie.value.length).toBeGreaterThan(20);
    expect(cookie.attributes).toMatchObject({ httponly: '', samesite: 'Strict', path: '/' });
    expect(Date.parse(cookie.attributes.expires)).toBeGreaterThan(Date.now());
    expect(cookie.attributes).not.toHaveProperty('secure');
    // The session cookie is what a JSON body never carries.
    expect(JSON.stringify(login.body)).not.toContain(cookie.value);

    const me = await callProcedure(server.url, 'auth.me', undefined, { cookie: `brook_session=${cookie.value}` });
    expect(me.body.result.data.principal).toMatchObject({ name: ADA, kind: 'user', role: 'producer' });

    const behindHttps = await callProcedure(
      server.url,
      'auth.login',
      { username: ADA, password: PASSWORD },
      { headers: { 'x-forwarded-proto': 'https' } },
    );
    expect(cookieParts(behindHttps.headers.get('set-cookie')).attributes).toHaveProperty('secure');
  });

  it('marks the cookie Secure when the server itself speaks https (BROOK_TLS_CERT)', async () => {
    const certificate = makeTestCertificate();
    const tls = await startAppServer(broker, certificate);
    try {
      const login = await httpsRequest(`${tls.url}/api/trpc/auth.login`, certificate.ca, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: ADA, password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      const cookie = cookieParts(String(login.headers['set-cookie']?.[0]));
      // Over https the cookie is a __Host- one: Secure, Path=/, no Domain, so no other host or port can plant it.
      expect(cookie.name).toBe('__Host-brook_session');
      expect(cookie.attributes).toHaveProperty('secure');
      expect(cookie.attributes).toMatchObject({ path: '/' });
      expect(cookie.attributes).not.toHaveProperty('domain');
      const me = await httpsRequest(`${tls.url}/api/trpc/auth.me`, certificate.ca, {
        headers: { cookie: `__Host-brook_session=${cookie.value}` },
      });
      expect(JSON.parse(me.text).result.data.principal).toMatchObject({ name: ADA });
      // The plain name is not read over https: a page on another port over http could have planted it.
      const planted = await httpsRequest(`${tls.url}/api/trpc/auth.me`, certificate.ca, {
        headers: { cookie: `brook_session=${cookie.value}` },
      });
      expect(JSON.parse(planted.text).result.data.principal).toBeNull();
    } finally {
      await tls.close();
      certificate.remove();
    }
  });

  it('logout ends the session and clears the cookie', async () => {
    const login = await callProcedure(server.url, 'auth.login', { username: ADA, password: PASSWORD });
    const value = cookieParts(login.headers.get('set-cookie')).value;
    const cookie = `brook_session=${value}`;
    const logout = await callProcedure(server.url, 'auth.logout', undefined, { cookie });
    expect(logout.status).toBe(200);
    const cleared = cookieParts(logout.headers.get('set-cookie'));
    expect(cleared).toMatchObject({ name: 'brook_session', value: '' });
    expect(cleared.attributes['max-age']).toBe('0');
    const after = await callProcedure(server.url, 'topics.list', undefined, { cookie });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/expired or revoked/);
    expect((await broker.auth.audit.list({ action: 'auth.logout' })).map((e) => e.actor)).toContain(ADA);
  });

  it('answers a wrong password and an unknown user alike (401), then 429 after too many failures', async () => {
    const wrong = await callProcedure(server.url, 'auth.login', { username: ADA, password: 'not the password' });
    const unknown = await callProcedure(server.url, 'auth.login', { username: 'nobody', password: 'not the password' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.error.data.kafka.name).toBe('SASL_AUTHENTICATION_FAILED');
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    let last = wrong;
    for (let i = 0; i < 10 && last.status !== 429; i++)
      last = await callProcedure(server.url, 'auth.login', { username: ADA, password: `wrong ${i}` });
    expect(last.status).toBe(429);
    expect(last.body.error.data.code).toBe('TOO_MANY_REQUESTS');
    expect(last.body.error.data.kafka).toMatchObject({ name: 'THROTTLING_QUOTA_EXCEEDED', retriable: true });
    expect(last.body.error.data.kafka.retryAt).toBeGreaterThan(Date.now() - 1000);
    // Throttled: even the right password waits (the same answer, unchecked).
    expect((await callProcedure(server.url, 'auth.login', { username: ADA, password: PASSWORD })).status).toBe(429);
    expect(JSON.stringify(last.body)).not.toContain('wrong');
  });

  it('serves /api/metrics only with a token of any role or BROOK_METRICS_TOKEN; health stays open', async () => {
    const metrics = (authorization?: string) =>
      fetch(`${server.url}/api/metrics`, { headers: authorization ? { authorization } : {} }).then(async (r) => ({
        status: r.status,
        challenge: r.headers.get('www-authenticate'),
        body: await r.text(),
      }));
    const anonymous = await metrics();
    expect(anonymous.status).toBe(401);
    expect(anonymous.challenge).toMatch(/^Bearer/);
    expect(anonymous.body).not.toContain('brook_');
    const { token } = await broker.auth.tokens.create({ name: SCRAPER, role: 'viewer' }, ADMIN_ACTOR);
    expect((await metrics(`Bearer ${token}`)).status).toBe(200);
    expect((await metrics(`Bearer ${token}x`)).status).toBe(401);
    expect((await metrics(`Basic ${Buffer.from(`${ADA}:${PASSWORD}`).toString('base64')}`)).status).toBe(401);
    process.env.BROOK_METRICS_TOKEN = 'a-metrics-token-of-some-length';
    expect((await metrics('Bearer a-metrics-token-of-some-length')).status).toBe(200);
    expect((await metrics('Bearer a-metrics-token-of-some-lengtH')).status).toBe(401);
    await broker.auth.tokens.revoke(SCRAPER, ADMIN_ACTOR);
    expect((await metrics(`Bearer ${token}`)).status).toBe(401);
    // Health answers without credentials (it is not served from this broker here: only its status is checked).
    const live = await fetch(`${server.url}/api/health/live`);
    expect(live.status).toBe(200);
  });
});

describe.skipIf(!postgresUrl())('auth off (loopback): everyone is the anonymous admin (postgres)', () => {
  let broker: Broker;
  let server: { url: string; close(): Promise<void> };
  testBroker('postgres', (env) => {
    broker = env.broker;
  });
  beforeAll(async () => {
    server = await startAppServer(broker);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('calls without credentials, as the anonymous admin, audited as such; login has nothing to do', async () => {
    const me = await callProcedure(server.url, 'auth.me', undefined);
    expect(me.body.result.data).toEqual({
      mode: 'off',
      principal: { name: 'anonymous', kind: 'anonymous', role: 'admin', hidePayloads: false },
    });
    const created = await callProcedure(server.url, 'topics.create', { name: OPEN, partitions: 1 });
    expect(created.status).toBe(200);
    expect((await broker.auth.audit.list({ action: 'topics.create' })).filter((e) => e.target === OPEN)).toEqual([
      expect.objectContaining({ actor: 'anonymous', actorKind: 'anonymous', target: OPEN, outcome: 'ok' }),
    ]);
    const failed = await callProcedure(server.url, 'topics.create', { name: OPEN, partitions: 1 });
    expect(failed.status).toBe(409);
    expect((await broker.auth.audit.list({ action: 'topics.create' })).filter((e) => e.target === OPEN)[0]).toMatchObject({
      outcome: 'failed',
      details: expect.objectContaining({ error: 'TOPIC_ALREADY_EXISTS' }),
    });
    const login = await callProcedure(server.url, 'auth.login', { username: 'admin', password: 'whatever it is' });
    expect(login.status).toBe(400);
    expect(login.body.error.data.kafka.name).toBe('SECURITY_DISABLED');
    expect((await fetch(`${server.url}/api/metrics`)).status).toBe(200);
  });
});

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildServerForTests, type ServerChild, startServerChild } from './spawn-server';

/**
 * The built server with auth on: log in, make and use a token, fail a login, scrape metrics, then read
 * everything the process wrote. No password, token, cookie or metrics token may be in it.
 */
let entry = '';
let dir = '';
let server: ServerChild | null = null;
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const adminPassword = secret('admin-password');
const wrongPassword = secret('wrong-password');
const metricsToken = secret('metrics-token');

beforeAll(async () => {
  entry = buildServerForTests();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-secrets-'));
  server = await startServerChild(entry, {
    BROOK_DATA_DIR: dir,
    BROOK_AUTH: 'on',
    BROOK_ADMIN_PASSWORD: adminPassword,
    BROOK_METRICS_TOKEN: metricsToken,
  });
}, 120_000);
afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  if (entry) fs.rmSync(entry, { force: true });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function call(procedure: string, input: unknown, headers: Record<string, string> = {}, method: 'GET' | 'POST' = 'POST') {
  const url = `${server?.url}/api/trpc/${procedure}`;
  const res =
    method === 'POST'
      ? // The server's own Origin, as the console's page sends it: a cookie-carrying change needs one.
        await fetch(url, {
          method,
          headers: { 'content-type': 'application/json', origin: server?.url ?? '', ...headers },
          body: JSON.stringify(input),
        })
      : await fetch(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers });
  return { status: res.status, cookie: res.headers.get('set-cookie'), body: await res.json() };
}

it('keeps passwords, tokens, session cookies and the metrics token out of the log; health stays open and says little', async () => {
  if (!server) throw new Error('no server');
  // Health: open, and only a status, the driver's kind, migration counts and the uptime.
  const health = await fetch(`${server.url}/api/health`);
  expect(health.status).toBe(200);
  expect(Object.keys(await health.json()).sort()).toEqual(['database', 'migrations', 'status', 'uptimeSeconds']);
  expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
  expect((await call('topics.list', undefined, {}, 'GET')).status).toBe(401);

  const login = await call('auth.login', { username: 'admin', password: adminPassword });
  expect(login.status).toBe(200);
  const cookie = (login.cookie ?? '').split(';')[0];
  const session = cookie.split('=')[1];
  expect(session.length).toBeGreaterThan(20);
  const made = await call('auth.createToken', { name: 'ci', role: 'producer' }, { cookie });
  expect(made.status).toBe(200);
  const token: string = made.body.result.data.token;
  const bearer = { authorization: `Bearer ${token}` };
  expect((await call('topics.create', { name: 'orders' }, bearer)).status).toBe(403);
  expect((await call('topics.create', { name: 'orders' }, { cookie })).status).toBe(200);
  expect((await call('records.produce', { topic: 'orders', records: [{ value: 'x' }] }, bearer)).status).toBe(200);
  expect((await fetch(`${server.url}/api/metrics`, { headers: bearer })).status).toBe(200);
  expect((await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(200);
  expect((await call('auth.login', { username: 'admin', password: wrongPassword })).status).toBe(401);
  expect((await call('topics.list', undefined, { authorization: `Bearer ${token}0` }, 'GET')).status).toBe(401);
  expect((await call('auth.logout', {}, { cookie })).status).toBe(200);

  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  const log = server.log();
  expect(log).toContain('[brook] listening on');
  for (const [what, value] of Object.entries({ adminPassword, wrongPassword, metricsToken, token, session }))
    expect(log.includes(value), `${what} in the server log`).toBe(false);
  // No part of a token either (a log line that cut it short would still leak most of it).
  expect(log).not.toContain(token.slice(6, 26));
}, 120_000);

import { randomUUID } from 'node:crypto';
import { closePools, startApp, trpcPostBody } from '../lib/app';
import type { BenchDatabase } from '../lib/env';
import type { Row } from '../lib/report';
import { HTTP_CLIENTS, httpRecord, sixtyFourClients } from './core-http';

/**
 * What authentication costs on the data plane: the same HTTP produce through a server with auth
 * off and one with BROOK_AUTH=on, both on one database, the caller presenting an API token (Authorization:
 * Bearer) or a console session cookie; and what one console login costs (scrypt, by design slow).
 * `npm run bench auth` runs it alone.
 */
const SECTION = 'auth';
const OFF_PORT = 3211;
const ON_PORT = 3212;
const PASSWORD = `bench-${randomUUID()}`;

async function login(url: string): Promise<{ cookie: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const ms = performance.now() - t0;
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!res.ok || !cookie) throw new Error(`auth.login: ${res.status} ${await res.text()}`);
  return { cookie, ms };
}

async function singleRecord(url: string, topic: string, seconds: number, headers: Record<string, string>): Promise<number> {
  return sixtyFourClients(seconds, (c, i) =>
    trpcPostBody(url, 'records.produce', JSON.stringify({ topic, records: [{ ...httpRecord(c * 1_000_000 + i), partition: 0 }] }), headers),
  );
}

async function thousand(url: string, topic: string, requests: number, headers: Record<string, string>): Promise<number> {
  const perClient = Math.ceil(requests / HTTP_CLIENTS);
  const bodies = Array.from({ length: HTTP_CLIENTS }, (_, c) =>
    JSON.stringify({ topic, records: Array.from({ length: 1000 }, (_, i) => ({ ...httpRecord(c * 1000 + i), partition: 0 })) }),
  );
  const t0 = performance.now();
  await Promise.all(
    bodies.map(async (body) => {
      for (let r = 0; r < perClient; r++) await trpcPostBody(url, 'records.produce', body, headers);
    }),
  );
  return (HTTP_CLIENTS * perClient * 1000) / ((performance.now() - t0) / 1000);
}

export async function runAuthBench(bench: BenchDatabase, quick: boolean): Promise<{ rows: Row[]; notes: string[] }> {
  const seconds = quick ? 2 : 5;
  const requests = quick ? 40 : 200;
  const rounds = quick ? 1 : 3;
  const common = { DATABASE_URL: bench.url, BROOK_KAFKA_LISTENER: 'off' };
  const off = await startApp(OFF_PORT, common);
  const on = await startApp(ON_PORT, { ...common, BROOK_AUTH: 'on', BROOK_ADMIN_PASSWORD: PASSWORD });
  const rows: Row[] = [];
  try {
    const logins: number[] = [];
    for (let i = 0; i < (quick ? 3 : 10); i++) logins.push((await login(on.url)).ms);
    const { cookie } = await login(on.url);
    // As a browser sends it: a POST with the session cookie names its page's origin.
    const session = { cookie, origin: on.url };
    const created = await trpcPostBody<{ token: string }>(
      on.url,
      'auth.createToken',
      JSON.stringify({ name: `bench-${randomUUID().slice(0, 8)}`, role: 'producer' }),
      session,
    );
    const bearer = { authorization: `Bearer ${created.token}` };
    const topic = `bench-auth-${randomUUID().slice(0, 8)}`;
    await trpcPostBody(on.url, 'topics.create', JSON.stringify({ name: topic, partitions: 1 }), session);
    for (const [url, headers] of [
      [off.url, {}],
      [on.url, bearer],
      [on.url, session],
    ] as const)
      await trpcPostBody(url, 'records.produce', JSON.stringify({ topic, records: [httpRecord(0)] }), headers); // warm up
    // Alternated rounds, averaged: a shared machine's load drifts.
    let [off1, token1, cookie1, off1000, token1000] = [0, 0, 0, 0, 0];
    for (let r = 0; r < rounds; r++) {
      off1 += (await singleRecord(off.url, topic, seconds, {})) / rounds;
      token1 += (await singleRecord(on.url, topic, seconds, bearer)) / rounds;
      cookie1 += (await singleRecord(on.url, topic, seconds, session)) / rounds;
      off1000 += (await thousand(off.url, topic, requests, {})) / rounds;
      token1000 += (await thousand(on.url, topic, requests, bearer)) / rounds;
    }
    const row = (c: string, value: number, unit: string, base?: number): Row => ({
      section: SECTION,
      case: c,
      value,
      unit,
      ...(base ? { ratio: value / base, baseline: 'of the same with auth off' } : {}),
    });
    logins.sort((a, b) => a - b);
    rows.push(
      row('HTTP produce, 1 record/request, 64 clients, auth off', off1, 'req/s'),
      row('HTTP produce, 1 record/request, 64 clients, API token', token1, 'req/s', off1),
      row('HTTP produce, 1 record/request, 64 clients, session cookie', cookie1, 'req/s', off1),
      row(`HTTP produce, 1000 records/request, ${HTTP_CLIENTS} clients, auth off`, off1000, 'rec/s'),
      row(`HTTP produce, 1000 records/request, ${HTTP_CLIENTS} clients, API token`, token1000, 'rec/s', off1000),
      row('auth.login (scrypt), median of sequential logins', logins[Math.floor(logins.length / 2)], 'ms'),
    );
  } finally {
    await closePools();
    await Promise.all([off.stop(), on.stop()]);
  }
  return { rows, notes: [] };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Broker } from '@/server/broker';
import { testBroker, until } from '@/server/broker/testing';
import { stopShops } from '@/server/examples/shop/registry';
import { stopAllMembers } from '@/server/examples/tour/group';
import { SCRATCH_TOPIC } from '@/server/examples/tour/names';
import type { Principal, Role } from '@/server/kernel/auth-types';
import { type Credentials, callProcedure, startAppServer } from '../auth/test-app';
import { appRouter } from '../root';

/** Written into every key, value, header value and order: no answer to a hidden-payload viewer may contain it. */
const MARK = 'zq-payload-7c1f';
const ORDER_CUSTOMER = `${MARK}-ada`;
const PAYLOADS = [`${MARK}-key`, `${MARK}-value`, `${MARK}-header`];
/** Records travel as text or as base64 (records.browse's default for bytes): either form is a leak. */
const NEEDLES = [MARK, ...PAYLOADS.map((p) => Buffer.from(p).toString('base64'))];
const leakIn = (text: string) => NEEDLES.find((n) => text.includes(n));

/**
 * An input for every procedure a viewer may read with (queries and subscriptions of class read, and the
 * public ones): a procedure missing here fails the first test, so a new one is walked as soon as it exists.
 */
const READS: Record<string, unknown> = {
  'auth.me': undefined,
  'topics.list': undefined,
  'topics.get': { name: 't' },
  'topics.segments': { name: 't' },
  'records.browse': { topic: 't', start: 'oldest' },
  'records.tailTopic': { topic: 't', from: { 0: 0 } },
  'records.listOffsets': { topic: 't', partition: 0, spec: 'latest' },
  'groups.fetchOffsets': { groupId: 'g' },
  'groups.list': undefined,
  'groups.describe': { groupId: 'g' },
  'groups.byTopic': { topic: 't' },
  'groups.lag': { groupId: 'g' },
  'groups.lagHistory': { groupId: 'g' },
  'clusters.describe': undefined,
  'rates.history': undefined,
  'rates.topics': undefined,
  'shop.status': undefined,
  'learn.partitionFor': { key: 'k', partitions: 3 },
  'learn.scratch': undefined,
  'learn.group': undefined,
};

type ProcedureDefs = Record<string, { _def: { type: string; meta?: { auth?: 'public' | { permission: string } } } }>;

function viewerReads(): string[] {
  const defs = appRouter._def.procedures as unknown as ProcedureDefs;
  return Object.keys(defs)
    .filter((path) => {
      const { type, meta } = defs[path]._def;
      const auth = meta?.auth;
      return type !== 'mutation' && (auth === 'public' || auth?.permission === 'read');
    })
    .sort();
}

/** A query's JSON, or a subscription's first events (records.tailTopic sends the newest records at once). */
async function answerText(url: string, path: string, credentials: Credentials): Promise<string> {
  const defs = appRouter._def.procedures as unknown as ProcedureDefs;
  if (defs[path]._def.type !== 'subscription') return JSON.stringify((await callProcedure(url, path, READS[path], credentials)).body);
  const target = new URL(`${url}/api/trpc/${path}`);
  target.searchParams.set('input', JSON.stringify(READS[path]));
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (credentials.cookie) headers.cookie = credentials.cookie;
  if (credentials.bearer) headers.authorization = `Bearer ${credentials.bearer}`;
  const res = await fetch(target, { headers, signal: controller.signal });
  let text = '';
  const reader = res.body?.getReader();
  const stop = setTimeout(() => controller.abort(), 3_000);
  try {
    // Until the first data event that carries records (or 3 s): what a tailing page would show first.
    while (reader && !/"records":\[\{/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
  } catch {
    // aborted after 3 s: what arrived is what is checked
  } finally {
    clearTimeout(stop);
    controller.abort();
  }
  return text;
}

const ADMIN_ACTOR = {
  principal: { kind: 'anonymous', name: 'test-setup', role: 'admin', hidePayloads: false } as Principal,
  address: null,
};

/** PGlite, a database of its own: the examples' fixed names (shop.orders, the tour's topic) are not shared. */
describe('BROOK_HIDE_PAYLOADS: every read procedure, walked as a hidden-payload viewer', () => {
  let broker: Broker;
  let server: { url: string; close(): Promise<void> };
  const as: Partial<Record<Role, Credentials>> = {};
  testBroker(
    'pglite',
    (env) => {
      broker = env.broker;
    },
    { auth: { mode: 'on', hidePayloadRoles: ['viewer'] } },
  );

  beforeAll(async () => {
    server = await startAppServer(broker);
    await broker.auth.users.add({ name: 'viewer-user', password: 'viewer-password', role: 'viewer' }, ADMIN_ACTOR);
    const login = await callProcedure(server.url, 'auth.login', { username: 'viewer-user', password: 'viewer-password' });
    as.viewer = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] };
    as.producer = { bearer: (await broker.auth.tokens.create({ name: 'producer-token', role: 'producer' }, ADMIN_ACTOR)).token };
    const admin: Credentials = { bearer: (await broker.auth.tokens.create({ name: 'admin-token', role: 'admin' }, ADMIN_ACTOR)).token };

    await broker.createTopic({ name: 't', partitions: 1 });
    const [key, value, header] = PAYLOADS.map((p) => Buffer.from(p));
    const record = { key, value, headers: [{ key: 'h', value: header }] };
    await broker.produce('t', [record, record]);
    await broker.groups.commit({ groupId: 'g', offsets: [{ topic: 't', partition: 0, offset: 1 }] });

    // The examples: an order whose email reaches the outbox, and a record in the tour's scratch topic.
    for (const [path, input] of [
      ['shop.start', undefined],
      ['shop.placeOrder', { customer: ORDER_CUSTOMER, item: 'webcam', quantity: 2 }],
      ['learn.start', undefined],
    ] as const)
      expect((await callProcedure(server.url, path, input, admin)).status, path).toBe(200);
    await broker.produce(SCRATCH_TOPIC, [record]);
    await until(
      async () => JSON.stringify((await callProcedure(server.url, 'shop.status', undefined, admin)).body).includes(ORDER_CUSTOMER),
      'the order emailed',
      20_000,
    );
  });
  afterAll(async () => {
    await Promise.all([stopShops(), stopAllMembers()]);
    await server?.close();
  });

  it('has an input for every read procedure of the router', () => {
    expect(Object.keys(READS).sort()).toEqual(viewerReads());
  });

  it('answers no key, value, header value or order content to the viewer, in any of them', async () => {
    const leaks: string[] = [];
    for (const path of viewerReads()) {
      const text = await answerText(server.url, path, as.viewer as Credentials);
      expect(text, path).not.toMatch(/"code":-32603|"httpStatus":5/);
      const needle = leakIn(text);
      if (needle) leaks.push(`${path}: ${text.slice(Math.max(0, text.indexOf(needle) - 200), text.indexOf(needle) + 60)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('answers the content to a role that is not hidden (the walk can see a leak)', async () => {
    const shown: string[] = [];
    for (const path of viewerReads()) if (leakIn(await answerText(server.url, path, as.producer as Credentials))) shown.push(path);
    expect(shown).toEqual(expect.arrayContaining(['learn.scratch', 'records.browse', 'records.tailTopic', 'shop.status']));
  });

  it("says the shop's emails are hidden rather than dropping them", async () => {
    const status = (await callProcedure(server.url, 'shop.status', undefined, as.viewer as Credentials)).body.result.data;
    expect(status.outbox.size).toBeGreaterThan(0);
    expect(status.outbox.last[0]).toMatchObject({
      customer: null,
      item: null,
      quantity: null,
      orderId: null,
      hidden: true,
      partition: expect.any(Number),
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, testBackends, uniqueName } from '@/db/testing';
import { handleApiRequest } from '@/server/api/edge/handler';
import { type Broker, createBroker, decodeHeaders } from '@/server/broker';
import { expectKafkaError, sleep, until as waitUntil } from '@/server/broker/testing';
import { Brook } from '@/server/client';
import { ensureShopTables } from '@/server/examples/shop/store';
import { INITIAL_STOCK, ITEMS, type Item } from './catalog';
import { Shop } from './shop';
import type { ShopStatus } from './status';

const until = (cond: () => Promise<boolean>, what: string, timeoutMs = 30_000) => waitUntil(cond, what, timeoutMs);

/** Brook's HTTP edge, in-process: what the router gives the example. */
const edgeFetch =
  (broker: Broker): typeof fetch =>
  async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('host', 'localhost');
    return handleApiRequest(new Request(input, { ...init, headers }), async () => broker);
  };

const stockOf = (s: ShopStatus) => Object.fromEntries(s.stock.map((r) => [r.item, r.quantity])) as Record<Item, number>;
const caughtUp = (s: ShopStatus, group: 'inventory' | 'email') =>
  s.groups[group].lag === 0 && s.groups[group].partitions.every((p) => p.committedOffset === p.highWatermark);

describe.each(testBackends())('online-store example on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  const shops: Shop[] = [];
  /** The caller's admin client (auth is off in these tests: every caller is an admin). */
  let admin: ReturnType<Brook['admin']>;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    await ensureShopTables(db);
    broker = createBroker(db);
    await broker.start();
    admin = new Brook({ url: 'http://localhost', fetch: edgeFetch(broker) }).admin();
  });
  afterAll(async () => {
    await Promise.all(shops.map((s) => s.stop()));
    await broker?.close();
    await db?.close();
  });

  async function newShop(options: { commitIntervalMs?: number } = {}) {
    const topic = uniqueName('shop');
    const errors: string[] = [];
    const shop = new Shop(db, edgeFetch(broker), {
      topic,
      inventoryGroup: `${topic}-inventory`,
      emailGroup: `${topic}-email`,
      sessionTimeoutMs: 1500,
      ...options,
      logError: (line) => errors.push(line),
    });
    shops.push(shop);
    await shop.start(admin);
    await shop.service({ service: 'email', slowMs: 0 });
    return shop;
  }

  /** Orders of 1 or 2 of a random item, from a few customers; returns the quantities per item. */
  async function placeOrders(shop: Shop, n: number, ordered: Record<Item, number>) {
    for (let i = 0; i < n; i++) {
      const item = ITEMS[i % ITEMS.length];
      const quantity = 1 + (i % 2);
      await shop.placeOrder({ customer: `c-${i % 7}`, item, quantity });
      ordered[item] += quantity;
    }
  }

  it('inventory applies each order exactly once across a rebalance, a crash and a replay; email sends again on replay', async () => {
    // Members commit only when they let go of partitions (or leave): what a crashed member handled is
    // certainly delivered again to the next owner, so the stored offsets are what keeps the stock right.
    const shop = await newShop({ commitIntervalMs: 600_000 });
    const ordered = Object.fromEntries(ITEMS.map((i) => [i, 0])) as Record<Item, number>;
    const expected = () => Object.fromEntries(ITEMS.map((i) => [i, INITIAL_STOCK - ordered[i]]));
    const stockExact = async (what: string) => {
      await until(async () => JSON.stringify(stockOf(await shop.status())) === JSON.stringify(expected()), what, 15_000);
    };

    await placeOrders(shop, 10, ordered);
    await stockExact('the first orders applied');
    // A rebalance while orders flow; three members own one partition each, the crashed (newest) one too.
    await shop.service({ service: 'inventory', members: 3 });
    await until(
      async () => (await shop.status()).services.inventory.members.filter((m) => m.partitions.length === 1).length === 3,
      '3 owners',
    );
    await placeOrders(shop, 10, ordered);
    await stockExact('orders applied by three members');
    const { memberId } = await shop.crashMember('inventory');
    const crashed = (await shop.status()).services.inventory.members.find((m) => m.memberId === memberId);
    expect(crashed).toMatchObject({ crashed: true, sessionExpiresAt: expect.any(Number) });
    expect(crashed?.partitions).toHaveLength(1);
    await placeOrders(shop, 10, ordered);
    // After the session timeout its partition moves and its uncommitted orders arrive again: skipped.
    await until(async () => (await shop.status()).services.inventory.members.length === 2, 'the crashed member fenced');
    await stockExact('stock exact after the crash');
    await until(async () => (await shop.status()).services.inventory.duplicatesSkipped > 0, 'redelivered orders skipped');
    const beforeReplay = (await shop.status()).services.inventory.duplicatesSkipped;

    // Replay reads all 30 orders again: every one is skipped, the stock stays where it is.
    await shop.replay('inventory', admin);
    await until(async () => (await shop.status()).services.inventory.duplicatesSkipped === beforeReplay + 30, 'all 30 replayed');
    expect(stockOf(await shop.status())).toEqual(expected());

    // Email commits after sending: a replay sends every confirmation again (at least once).
    await until(async () => (await shop.status()).outbox.size === 30, 'one email per order');
    await shop.replay('email', admin);
    await until(async () => (await shop.status()).outbox.size === 60, 'emails sent again');
  });

  it('pausing email leaves its lag growing while inventory keeps up; resume catches up; a member beyond the partitions gets none', async () => {
    const shop = await newShop();
    await until(async () => (await shop.status()).services.email.members.length === 1, 'email member');
    await shop.service({ service: 'email', paused: true });
    for (const customer of ['a', 'b', 'c']) await shop.placeOrder({ customer, item: 'mouse', quantity: 1 });
    await until(async () => caughtUp(await shop.status(), 'inventory'), 'inventory caught up');
    const paused = await shop.status();
    expect(paused.services.email.paused).toBe(true);
    expect(paused.groups.email.lag).toBe(3);
    expect(paused.groups.inventory.lag).toBe(0);
    expect(stockOf(paused).mouse).toBe(INITIAL_STOCK - 3);
    expect(paused.outbox.size).toBe(0);

    await shop.service({ service: 'email', paused: false });
    await until(async () => caughtUp(await shop.status(), 'email'), 'email caught up after resume');
    expect((await shop.status()).outbox.size).toBe(3);

    await shop.service({ service: 'inventory', members: 4 });
    await until(async () => {
      const m = (await shop.status()).services.inventory.members;
      return m.length === 4 && m.filter((x) => x.partitions.length === 1).length === 3;
    }, 'three members with one partition each');
    const idle = (await shop.status()).services.inventory.members.filter((m) => m.partitions.length === 0);
    expect(idle).toHaveLength(1);
    expect(idle[0].note).toMatch(/partition/);
  });

  it('the generator produces real orders (JSON value, key = customer, headers) until set to 0; placeOrder marks source web', async () => {
    const shop = await newShop();
    const placed = await shop.placeOrder({ customer: 'ada', item: 'headset', quantity: 2 });
    await shop.generator(50, admin);
    await until(async () => (await shop.status()).partitions.reduce((n, p) => n + p.highWatermark, 0) >= 11, '10 generated orders');
    await shop.generator(0, admin);
    const settled = (await shop.status()).partitions;
    expect((await shop.status()).generator.ratePerSecond).toBe(0);
    const records = (
      await Promise.all(
        settled.map(async (p) => (await broker.fetch({ topic: shop.topic, partition: p.partition, offset: 0, maxRecords: 1000 })).records),
      )
    ).flat();
    expect(records.length).toBe(settled.reduce((n, p) => n + p.highWatermark, 0));
    const decoded = records.map((r) => ({
      key: Buffer.from(r.key ?? []).toString(),
      value: JSON.parse(Buffer.from(r.value ?? []).toString()),
      headers: Object.fromEntries(decodeHeaders(r.headers).map((h) => [h.key, Buffer.from(h.value ?? []).toString()])),
    }));
    for (const d of decoded) {
      expect(d.value).toMatchObject({
        orderId: expect.any(String),
        item: expect.any(String),
        quantity: expect.any(Number),
        placedAt: expect.any(Number),
      });
      expect(d.key).toBe(d.value.customer);
      expect(d.headers['content-type']).toBe('application/json');
    }
    const web = decoded.filter((d) => d.headers.source === 'web');
    expect(web.map((d) => d.value.orderId)).toEqual([placed.orderId]);
    expect(decoded.filter((d) => d.headers.source === 'generator').length).toBe(decoded.length - 1);
    // Stopped (generator(0) waits for the send in flight): nothing more arrives.
    await sleep(300);
    expect((await shop.status()).partitions).toEqual(settled);
  });

  it('a replay refused because another process still has a member in the group changes nothing and restarts ours', async () => {
    const shop = await newShop();
    await shop.placeOrder({ customer: 'ada', item: 'mouse', quantity: 1 });
    await until(async () => caughtUp(await shop.status(), 'inventory'), 'inventory caught up');
    const groupId = (await shop.status()).services.inventory.groupId;
    const foreign = await broker.groups.heartbeat({ groupId, memberEpoch: 0, topics: [shop.topic] });
    const before = (await shop.status()).groups.inventory.partitions.map((p) => p.committedOffset);
    await expectKafkaError(shop.replay('inventory', admin), 'NON_EMPTY_GROUP');
    await broker.groups.heartbeat({ groupId, memberId: foreign.memberId, memberEpoch: -1 });
    await until(async () => (await shop.status()).services.inventory.members.length === 2, 'our two members back');
    expect((await shop.status()).groups.inventory.partitions.map((p) => p.committedOffset)).toEqual(before);
  });

  it('stop: every member leaves; reset: initial stock, empty outbox and topic, groups deleted', async () => {
    const shop = await newShop();
    await shop.placeOrder({ customer: 'z', item: 'webcam', quantity: 4 });
    await until(async () => {
      const s = await shop.status();
      return caughtUp(s, 'inventory') && caughtUp(s, 'email');
    }, 'both caught up');
    await shop.crashMember('inventory');
    await shop.stop();
    const stopped = await shop.status();
    expect(stopped.running).toBe(false);
    expect(stopped.instance).toBeNull();
    expect(stopped.services.inventory.members).toEqual([]);
    expect(stopped.services.email.members).toEqual([]);
    expect(stopped.groups.inventory.state).toBe('Empty');

    const reset = await shop.reset(admin);
    expect(reset.running).toBe(false);
    expect(stockOf(reset)).toEqual(Object.fromEntries(ITEMS.map((i) => [i, INITIAL_STOCK])));
    expect(reset.outbox.size).toBe(0);
    expect(reset.partitions.map((p) => p.highWatermark)).toEqual([0, 0, 0]);
    expect(reset.groups.inventory.state).toBe('Dead');
    // Started again, it applies the new log from its beginning (the stored offsets were reset too).
    await shop.start(admin);
    await shop.placeOrder({ customer: 'z', item: 'webcam', quantity: 4 });
    await until(async () => stockOf(await shop.status()).webcam === INITIAL_STOCK - 4, 'the new order applied');
  });
});

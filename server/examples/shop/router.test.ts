import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, snapshotState, testBackends } from '@/db/testing';
import { callApi } from '@/server/api/test-server';
import { type Broker, createBroker } from '@/server/broker';
import { until } from '@/server/broker/testing';
import { INITIAL_STOCK, SHOP_TOPIC } from '@/server/examples/shop/catalog';
import { stopShops } from '@/server/examples/shop/registry';
import { ensureShopTables } from '@/server/examples/shop/store';

/** The example's own tables, for "nothing changed". */
async function shopTables(db: Database): Promise<string> {
  const stock = await db.query(`SELECT topic, item, quantity, refused FROM brook_shop.stock ORDER BY 1, 2`);
  const applied = await db.query(`SELECT topic, partition, next_offset FROM brook_shop.inventory_applied ORDER BY 1, 2`);
  const [outbox] = await db.query(`SELECT count(*)::int AS n FROM brook_shop.outbox`);
  const runner = await db.query(`SELECT topic FROM brook_shop.runner ORDER BY 1`);
  return JSON.stringify({ stock, applied, outbox, runner });
}

const BAD: Array<[string, string, unknown]> = [
  ['quantity 0', 'shop.placeOrder', { customer: 'c-1', item: 'mouse', quantity: 0 }],
  ['quantity 10⁹', 'shop.placeOrder', { customer: 'c-1', item: 'mouse', quantity: 1e9 }],
  ['a fractional quantity', 'shop.placeOrder', { customer: 'c-1', item: 'mouse', quantity: 1.5 }],
  ['an unknown item', 'shop.placeOrder', { customer: 'c-1', item: 'banana', quantity: 1 }],
  ['no customer', 'shop.placeOrder', { customer: ' ', item: 'mouse', quantity: 1 }],
  ['markup as customer', 'shop.placeOrder', { customer: '<b>x</b>', item: 'mouse', quantity: 1 }],
  ['rate 1,000', 'shop.generator', { ratePerSecond: 1000 }],
  ['a negative rate', 'shop.generator', { ratePerSecond: -1 }],
  ['99 members', 'shop.service', { service: 'inventory', members: 99 }],
  ['an unknown service', 'shop.service', { service: 'payments', paused: true }],
  ['a negative slow mode', 'shop.service', { service: 'email', slowMs: -5 }],
  ['crash of an unknown service', 'shop.crashMember', { service: 'billing' }],
  ['replay of an unknown service', 'shop.replay', { service: 'billing' }],
];

describe.each(testBackends())('shop router on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  beforeAll(async () => {
    process.env.BROOK_SHOP_SESSION_TIMEOUT_MS = '2000';
    db = await openTestDatabase(backend);
    await ensureShopTables(db);
    broker = createBroker(db);
    await broker.start();
  });
  afterAll(async () => {
    await stopShops();
    await broker?.close();
    await db?.close();
    delete process.env.BROOK_SHOP_SESSION_TIMEOUT_MS;
  });

  it.each(BAD)('refuses %s with 400 INVALID_REQUEST and changes nothing', async (_, path, input) => {
    const before = [await snapshotState(db), await shopTables(db)];
    const { status, body } = await callApi(broker, 'POST', path, input);
    expect(status).toBe(400);
    expect(body.error.data.kafka.name).toBe('INVALID_REQUEST');
    expect(body.error.message.length).toBeGreaterThan(0);
    expect([await snapshotState(db), await shopTables(db)]).toEqual(before);
  });

  it('an order before the example ever started is refused with UNKNOWN_TOPIC_OR_PARTITION, and says to start it', async () => {
    const before = [await snapshotState(db), await shopTables(db)];
    const { status, body } = await callApi(broker, 'POST', 'shop.placeOrder', { customer: 'ada', item: 'mouse', quantity: 1 });
    expect(status).toBe(404);
    expect(body.error.data.kafka.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(body.error.message).toMatch(/start the example/);
    expect([await snapshotState(db), await shopTables(db)]).toEqual(before);
  });

  it('start creates the topic and services (idempotently); 5 orders take exactly their quantities from stock and send 5 emails', async () => {
    // Orders of another run on the same database must not count here.
    await callApi(broker, 'POST', 'shop.reset', undefined);
    const first = await callApi(broker, 'POST', 'shop.start', undefined);
    expect(first.status).toBe(200);
    const again = await callApi(broker, 'POST', 'shop.start', undefined);
    expect(again.status).toBe(200);
    await callApi(broker, 'POST', 'shop.service', { service: 'email', slowMs: 20 });
    const status = async () => (await callApi(broker, 'GET', 'shop.status', undefined)).body.result.data;
    const s0 = await status();
    expect(s0).toMatchObject({ running: true, topic: SHOP_TOPIC, instance: { pid: process.pid }, generator: { ratePerSecond: 0 } });
    expect(s0.partitions).toHaveLength(3);
    expect(s0.stock.every((s) => s.quantity === INITIAL_STOCK)).toBe(true);
    expect(s0.services.inventory.groupId).toBe('inventory-service');
    expect(s0.services.email).toMatchObject({ groupId: 'email-service', slowMs: 20, paused: false });
    await until(async () => (await status()).services.inventory.members.length === 2, 'two inventory members');

    const orders = [
      { customer: 'ada', item: 'keyboard', quantity: 3 },
      { customer: 'bob', item: 'mouse', quantity: 1 },
      { customer: 'ada', item: 'keyboard', quantity: 2 },
      { customer: 'cy', item: 'webcam', quantity: 7 },
      { customer: 'dee', item: 'monitor', quantity: 1 },
    ];
    for (const o of orders) {
      const { status: code, body } = await callApi(broker, 'POST', 'shop.placeOrder', o);
      expect(code).toBe(200);
      expect(body.result.data).toMatchObject({ partition: expect.any(Number), offset: expect.any(Number), orderId: expect.any(String) });
    }
    const expected = { keyboard: 95, mouse: 99, monitor: 99, headset: 100, webcam: 93 };
    await until(async () => {
      const s = await status();
      return s.outbox.size === 5 && s.stock.every((r) => r.quantity === expected[r.item as keyof typeof expected]);
    }, 'stock and emails');
    const s1 = await status();
    expect(Object.fromEntries(s1.stock.map((r) => [r.item, r.quantity]))).toEqual(expected);
    expect(s1.outbox.last.map((e) => e.orderId).sort()).toHaveLength(5);
    await until(async () => {
      const s = await status();
      return s.groups.inventory.lag === 0 && s.groups.email.lag === 0;
    }, 'lag 0 once offsets are committed');
  });
});

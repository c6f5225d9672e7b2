import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgSchema, primaryKey, text } from 'drizzle-orm/pg-core';

/*
 * The online-store example's own tables, in its own Postgres schema with its own migrations
 * (./migrations, made by `npm run db:generate:shop`), keyed by the example's topic so that tests can run
 * their own copy beside the real one. They belong to the example's services, not to the broker.
 */

export const SHOP_SCHEMA = 'brook_shop';
export const shop = pgSchema(SHOP_SCHEMA);

/** The inventory service's stock per item. `refused` counts orders it could not fill (stock never goes below 0). */
export const shopStock = shop.table(
  'stock',
  {
    topic: text('topic').notNull(),
    item: text('item').notNull(),
    quantity: integer('quantity').notNull(),
    refused: integer('refused').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'stock_pkey', columns: [t.topic, t.item] }), check('stock_quantity_not_negative', sql`${t.quantity} >= 0`)],
);

/**
 * The next offset the inventory service will apply per partition, written in the same transaction as the
 * stock change: a record below it was applied already (exactly-once effect, whatever the group commits).
 */
export const shopInventoryApplied = shop.table(
  'inventory_applied',
  {
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    nextOffset: bigint('next_offset', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ name: 'inventory_applied_pkey', columns: [t.topic, t.partition] })],
);

/** The email service's "sent" confirmations, one per order handled (again after a replay: at least once). */
export const shopOutbox = shop.table(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    topic: text('topic').notNull(),
    orderId: text('order_id').notNull(),
    customer: text('customer').notNull(),
    item: text('item').notNull(),
    quantity: integer('quantity').notNull(),
    partition: integer('partition').notNull(),
    offset: bigint('offset', { mode: 'number' }).notNull(),
    sentAt: bigint('sent_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('outbox_topic_id').on(t.topic, t.id)],
);

/** Which Brook process runs the example now (one row per example topic while it runs). */
export const shopRunner = shop.table('runner', {
  topic: text('topic').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: bigint('started_at', { mode: 'number' }).notNull(),
});

import path from 'node:path';
import type { Database, Queryable } from '@/db/client';
import { INITIAL_STOCK, ITEMS, type Order } from './catalog';

/** The example services' own tables (./schema.ts, Postgres schema brook_shop), per example topic. */

/** drizzle-kit's output for ./schema.ts (`npm run db:generate:shop`), read at run time. */
const SHOP_MIGRATIONS = path.join(process.cwd(), 'server', 'examples', 'shop', 'migrations');
/** Where the example's applied migrations are recorded: apart from the broker's. */
const SHOP_MIGRATIONS_TABLE = '__drizzle_migrations_shop';

const migrated = new WeakMap<Database, Promise<void>>();

/** Applies the example's migrations to this database once per process (again after a failure). */
export function ensureShopTables(db: Database): Promise<void> {
  let done = migrated.get(db);
  if (!done) {
    done = db.migrate(SHOP_MIGRATIONS, { table: SHOP_MIGRATIONS_TABLE });
    done.catch(() => migrated.delete(db));
    migrated.set(db, done);
  }
  return done;
}

export interface StockRow {
  item: string;
  quantity: number;
  /** Orders refused for lack of stock. */
  refused: number;
}

export interface Email {
  orderId: string;
  customer: string;
  item: string;
  quantity: number;
  sentAt: number;
  partition: number;
  offset: number;
}

/** Every item at its initial stock, where it has no row yet (existing stock is kept). */
export async function seedStock(db: Queryable, topic: string): Promise<void> {
  await db.query(
    `INSERT INTO brook_shop.stock (topic, item, quantity) SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING`,
    [topic, [...ITEMS], INITIAL_STOCK],
    { name: 'shop_seed_stock' },
  );
}

export type ApplyOutcome = 'applied' | 'out-of-stock' | 'already-applied';

/**
 * The inventory service's step: the stock change and the partition's next offset in ONE transaction,
 * so a record is applied once however often it is delivered (replay, rebalance, a fenced member's
 * late retry). The partition's row is locked first: two members handling the same record during a
 * rebalance take turns, and the second sees it applied. Stock never goes below 0: such an order is
 * counted as refused instead.
 */
export function applyOrder(db: Database, topic: string, at: { partition: number; offset: number }, order: Order): Promise<ApplyOutcome> {
  return db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO brook_shop.inventory_applied (topic, partition, next_offset) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`,
      [topic, at.partition],
      { name: 'shop_applied_ensure' },
    );
    const [row] = await tx.query<{ next: number }>(
      `SELECT next_offset::float8 AS next FROM brook_shop.inventory_applied WHERE topic = $1 AND partition = $2 FOR UPDATE`,
      [topic, at.partition],
      { name: 'shop_applied_lock' },
    );
    if (at.offset < Number(row.next)) return 'already-applied';
    const taken = await tx.query(
      `UPDATE brook_shop.stock SET quantity = quantity - $3 WHERE topic = $1 AND item = $2 AND quantity >= $3 RETURNING item`,
      [topic, order.item, order.quantity],
      { name: 'shop_stock_take' },
    );
    if (taken.length === 0)
      await tx.query(`UPDATE brook_shop.stock SET refused = refused + 1 WHERE topic = $1 AND item = $2`, [topic, order.item], {
        name: 'shop_stock_refuse',
      });
    await tx.query(`UPDATE brook_shop.inventory_applied SET next_offset = $3 WHERE topic = $1 AND partition = $2`, [
      topic,
      at.partition,
      at.offset + 1,
    ]);
    return taken.length > 0 ? 'applied' : 'out-of-stock';
  });
}

export async function appendEmail(db: Queryable, topic: string, email: Email): Promise<void> {
  await db.query(
    `INSERT INTO brook_shop.outbox (topic, order_id, customer, item, quantity, partition, "offset", sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [topic, email.orderId, email.customer, email.item, email.quantity, email.partition, email.offset, email.sentAt],
    { name: 'shop_outbox_append' },
  );
}

export async function readStock(db: Queryable, topic: string): Promise<StockRow[]> {
  const rows = await db.query<StockRow>(`SELECT item, quantity, refused FROM brook_shop.stock WHERE topic = $1`, [topic], {
    name: 'shop_stock_read',
  });
  // Catalog order, not the table's.
  return ITEMS.flatMap((item) => rows.filter((r) => r.item === item));
}

export async function readOutbox(db: Queryable, topic: string, last: number): Promise<{ size: number; last: Email[] }> {
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM brook_shop.outbox WHERE topic = $1`, [topic], {
    name: 'shop_outbox_count',
  });
  const rows = await db.query<Email>(
    `SELECT order_id AS "orderId", customer, item, quantity, sent_at::float8 AS "sentAt", partition, "offset"::float8 AS "offset"
       FROM brook_shop.outbox WHERE topic = $1 ORDER BY id DESC LIMIT $2`,
    [topic, last],
    { name: 'shop_outbox_last' },
  );
  return { size: count.n, last: rows.map((r) => ({ ...r, sentAt: Number(r.sentAt), offset: Number(r.offset) })) };
}

/** Back to the beginning: initial stock, nothing applied, an empty outbox. */
export async function resetTables(db: Database, topic: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`DELETE FROM brook_shop.stock WHERE topic = $1`, [topic]);
    await tx.query(`DELETE FROM brook_shop.inventory_applied WHERE topic = $1`, [topic]);
    await tx.query(`DELETE FROM brook_shop.outbox WHERE topic = $1`, [topic]);
    await seedStock(tx, topic);
  });
}

export interface Runner {
  host: string;
  pid: number;
  startedAt: number;
}

export async function claimRunner(db: Queryable, topic: string, runner: Runner): Promise<void> {
  await db.query(
    `INSERT INTO brook_shop.runner (topic, host, pid, started_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (topic) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, started_at = EXCLUDED.started_at`,
    [topic, runner.host, runner.pid, runner.startedAt],
  );
}

/** Removes the row only if it is still ours (another process may have taken the example over). */
export async function releaseRunner(db: Queryable, topic: string, runner: Runner): Promise<void> {
  await db.query(`DELETE FROM brook_shop.runner WHERE topic = $1 AND host = $2 AND pid = $3`, [topic, runner.host, runner.pid]);
}

export async function readRunner(db: Queryable, topic: string): Promise<Runner | null> {
  const [row] = await db.query<Runner>(`SELECT host, pid, started_at::float8 AS "startedAt" FROM brook_shop.runner WHERE topic = $1`, [
    topic,
  ]);
  return row ? { ...row, startedAt: Number(row.startedAt) } : null;
}

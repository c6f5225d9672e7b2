/**
 * The online-store example's fixed facts, shared by the server and the page (a pure module: no Node,
 * no database, safe in the browser).
 */

export const SHOP_TOPIC = 'shop.orders';
export const SHOP_PARTITIONS = 3;
export const INVENTORY_GROUP = 'inventory-service';
export const EMAIL_GROUP = 'email-service';

export const INITIAL_STOCK = 100;
export const ITEMS = ['keyboard', 'mouse', 'monitor', 'headset', 'webcam'] as const;
export type Item = (typeof ITEMS)[number];

export const SERVICES = ['inventory', 'email'] as const;
export type ShopService = (typeof SERVICES)[number];

export const DEFAULT_MEMBERS: Record<ShopService, number> = { inventory: 2, email: 1 };
export const MAX_MEMBERS = 6;
export const MAX_RATE_PER_SECOND = 50;
/** One order asks for 1 to this many of an item. */
export const MAX_QUANTITY = 100;
export const MAX_CUSTOMER_LENGTH = 64;
export const DEFAULT_EMAIL_SLOW_MS = 300;
export const MAX_SLOW_MS = 10_000;

/** The order record's JSON value. */
export interface Order {
  orderId: string;
  customer: string;
  item: Item;
  quantity: number;
  placedAt: number;
}

export const isItem = (s: string): s is Item => (ITEMS as readonly string[]).includes(s);

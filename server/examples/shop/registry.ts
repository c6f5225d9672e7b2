import type { Database } from '@/db/client';
import type { Shop } from './shop';

/**
 * One example per database in this process. Next's page bundles load their own copy of this
 * module, so the map lives on globalThis (as the runtime does): the shutdown path in server/main.ts
 * must find the same example whichever copy started it.
 */
const globalForShop = globalThis as typeof globalThis & { __brookShops?: Map<Database, Shop> };

const shops = (): Map<Database, Shop> => {
  globalForShop.__brookShops ??= new Map();
  return globalForShop.__brookShops;
};

export function shopFor(db: Database, create: () => Shop): Shop {
  let shop = shops().get(db);
  if (!shop) {
    shop = create();
    shops().set(db, shop);
  }
  return shop;
}

/** Stops every example this process runs (members leave their groups): the process is stopping. */
export async function stopShops(): Promise<void> {
  const all = [...shops().values()];
  shops().clear();
  await Promise.all(all.map((s) => s.stop().catch((err) => console.error('[brook] stopping the shop example failed:', err))));
}

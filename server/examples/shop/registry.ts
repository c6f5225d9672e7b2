import type { Broker } from '@/server/broker';
import type { Shop } from './shop';

/**
 * One example per broker engine in this process. Next's page bundles load their own copy of this
 * module, so the map lives on globalThis (as the runtime does): the shutdown path in server/main.ts
 * must find the same example whichever copy started it.
 */
const globalForShop = globalThis as typeof globalThis & { __brookShops?: Map<Broker, Shop> };

const shops = (): Map<Broker, Shop> => {
  globalForShop.__brookShops ??= new Map();
  return globalForShop.__brookShops;
};

export function shopFor(broker: Broker, create: () => Shop): Shop {
  let shop = shops().get(broker);
  if (!shop) {
    shop = create();
    shops().set(broker, shop);
  }
  return shop;
}

/** Stops every example this process runs (members leave their groups): the process is stopping. */
export async function stopShops(): Promise<void> {
  const all = [...shops().values()];
  shops().clear();
  await Promise.all(all.map((s) => s.stop().catch((err) => console.error('[brook] stopping the shop example failed:', err))));
}

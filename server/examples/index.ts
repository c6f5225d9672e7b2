import type { AnyTRPCRouter } from '@trpc/server';
import type { Database } from '@/db/client';
import { stopShops } from './shop/registry';
import { shopRouter } from './shop/router';
import { ensureShopTables } from './shop/store';
import { stopAllMembers } from './tour/group';
import { learnRouter } from './tour/router';

/**
 * An example shipped with Brook: its API (a tRPC router, mounted under its name) and how it stops with
 * the process. Examples start on demand from their pages; they reach Brook only as clients of its API,
 * in-process through the edge as any client would: their services through `ctx.api` (a producer's rights),
 * what a caller asks of them (create or delete the topic, reset offsets) through `ctx.callerApi`, as that caller.
 */
export interface ExamplePlugin<R extends AnyTRPCRouter = AnyTRPCRouter> {
  router: R;
  /** At server start: the example's own migrations, in its own Postgres schema (its services start on demand). */
  start(db: Database): Promise<void>;
  /** Members leave their groups while the engine is still up (server/main.ts calls it first on shutdown). */
  stop(): Promise<void>;
}

const plugin = <R extends AnyTRPCRouter>(p: ExamplePlugin<R>) => p;

/** Every example, by the name its router is mounted under (the online store, the /learn tour). */
export const EXAMPLES = {
  shop: plugin({ router: shopRouter, start: ensureShopTables, stop: stopShops }),
  learn: plugin({ router: learnRouter, start: async () => {}, stop: stopAllMembers }),
};

/** Prepares every example (server start, after the broker's migrations). */
export async function startExamples(db: Database): Promise<void> {
  for (const e of Object.values(EXAMPLES)) await e.start(db);
}

/** Stops every example this process runs. */
export async function stopExamples(): Promise<void> {
  await Promise.all(Object.values(EXAMPLES).map((e) => e.stop()));
}

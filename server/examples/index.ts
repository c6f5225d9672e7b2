import type { AnyTRPCRouter } from '@trpc/server';
import { stopShops } from './shop/registry';
import { shopRouter } from './shop/router';
import { stopAllMembers } from './tour/group';
import { learnRouter } from './tour/router';

/**
 * An example shipped with Brook: its API (a tRPC router, mounted under its name) and how it stops with
 * the process. Examples start on demand from their pages; their services are Brook clients that reach the
 * API through `ctx.api` (the edge, in-process), as any client would.
 */
export interface ExamplePlugin<R extends AnyTRPCRouter = AnyTRPCRouter> {
  router: R;
  /** Members leave their groups while the engine is still up (server/main.ts calls it first on shutdown). */
  stop(): Promise<void>;
}

const plugin = <R extends AnyTRPCRouter>(p: ExamplePlugin<R>) => p;

/** Every example, by the name its router is mounted under (the online store, the /learn tour). */
export const EXAMPLES = {
  shop: plugin({ router: shopRouter, stop: stopShops }),
  learn: plugin({ router: learnRouter, stop: stopAllMembers }),
};

/** Stops every example this process runs. */
export async function stopExamples(): Promise<void> {
  await Promise.all(Object.values(EXAMPLES).map((e) => e.stop()));
}

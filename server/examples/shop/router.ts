import { z } from 'zod';
import { hidesPayloads, visibleShopStatus } from '@/server/api/routers/hide-payloads';
import { authorized, type Context, createTRPCRouter } from '@/server/api/trpc';
import { brookEnv } from '@/server/env';
import { inProcessBrook } from '@/server/examples/in-process';
import {
  ITEMS,
  MAX_CUSTOMER_LENGTH,
  MAX_MEMBERS,
  MAX_QUANTITY,
  MAX_RATE_PER_SECOND,
  MAX_SLOW_MS,
  SERVICES,
} from '@/server/examples/shop/catalog';
import { shopFor } from '@/server/examples/shop/registry';
import { Shop } from '@/server/examples/shop/shop';
import { ensureShopTables } from '@/server/examples/shop/store';

/**
 * The online-store example (server/examples/shop). Its services are real Brook clients in this process;
 * their requests go through the same HTTP edge as anyone's, in-process (no socket): `ctx.api`.
 */
const shopOf = async ({ broker, api }: Context) => {
  const db = broker.db;
  // Its tables first: a process that did not start the example (a test, another instance) still has them.
  await ensureShopTables(db);
  return shopFor(db, () => new Shop(db, api, { sessionTimeoutMs: brookEnv().BROOK_SHOP_SESSION_TIMEOUT_MS }));
};

/** Brook's admin API as the caller: what they ask the example to do is done with their own role and ACLs. */
const callerAdmin = ({ callerApi }: Context) => inProcessBrook(callerApi, 'shop-admin', { forRequest: true }).admin();

const service = z.enum(SERVICES, { error: `service must be one of: ${SERVICES.join(', ')}` });

export const shopRouter = createTRPCRouter({
  /** Creates `shop.orders` if missing and starts the services in this process; idempotent. */
  start: authorized('admin', 'cluster').mutation(async ({ ctx }) => (await shopOf(ctx)).start(callerAdmin(ctx))),

  /** Stock, outbox, members, lag per partition: everything the page draws. */
  status: authorized('read', 'cluster').query(async ({ ctx }) => visibleShopStatus(hidesPayloads(ctx), await (await shopOf(ctx)).status())),

  placeOrder: authorized('admin', 'cluster')
    .input(
      z.object({
        customer: z
          .string()
          .trim()
          .min(1, 'customer is required')
          .max(MAX_CUSTOMER_LENGTH)
          .regex(/^[\p{L}\p{N} ._@-]+$/u, 'customer may hold letters, digits, spaces and . _ @ - only'),
        item: z.enum(ITEMS, { error: `item must be one of: ${ITEMS.join(', ')}` }),
        quantity: z.int().min(1).max(MAX_QUANTITY),
      }),
    )
    .mutation(async ({ ctx, input }) => (await shopOf(ctx)).placeOrder(input)),

  generator: authorized('admin', 'cluster')
    .input(z.object({ ratePerSecond: z.number().min(0).max(MAX_RATE_PER_SECOND) }))
    .mutation(async ({ ctx, input }) => (await shopOf(ctx)).generator(input.ratePerSecond, callerAdmin(ctx))),

  service: authorized('admin', 'cluster')
    .input(
      z.object({
        service,
        paused: z.boolean().optional(),
        members: z.int().min(0).max(MAX_MEMBERS).optional(),
        slowMs: z.int().min(0).max(MAX_SLOW_MS).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => (await shopOf(ctx)).service(input)),

  /** The newest member stops heartbeating without leaving (its partitions move after the session timeout). */
  crashMember: authorized('admin', 'cluster')
    .input(z.object({ service }))
    .mutation(async ({ ctx, input }) => (await shopOf(ctx)).crashMember(input.service)),

  /** Stops the group's members, resets its offsets to the earliest, starts them again. */
  replay: authorized('admin', 'cluster')
    .input(z.object({ service }))
    .mutation(async ({ ctx, input }) => (await shopOf(ctx)).replay(input.service, callerAdmin(ctx))),

  /** Stops everything; deletes and recreates the topic; initial stock, empty outbox, groups deleted. */
  reset: authorized('admin', 'cluster').mutation(async ({ ctx }) => (await shopOf(ctx)).reset(callerAdmin(ctx))),
});

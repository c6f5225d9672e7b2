import { z } from 'zod';
import { OPERATIONS, PATTERN_TYPES, PERMISSIONS, RESOURCE_TYPES } from '@/server/broker/auth/acls/types';
import { BrokerError } from '@/server/broker/errors';
import { unauthenticated } from '../auth/authorize';
import { authorized, type Context, createTRPCRouter } from '../trpc';

/** Kafka ACL bindings (docs/acls.md). Admins only; the engine audits every change itself (acls.create, acls.delete). */
const admin = (action: string) => authorized('admin', 'cluster', { audit: 'denied', action });

const text = (max: number) => z.string().max(max);
const binding = z.object({
  resourceType: z.enum(RESOURCE_TYPES),
  patternType: z.enum(PATTERN_TYPES),
  resourceName: text(255),
  principal: text(100),
  host: text(100).default('*'),
  operation: z.enum(OPERATIONS),
  permission: z.enum(PERMISSIONS),
});
const filter = z.object({
  resourceType: z.enum(['ANY', ...RESOURCE_TYPES]).optional(),
  patternType: z.enum(['ANY', 'MATCH', ...PATTERN_TYPES]).optional(),
  resourceName: text(255).nullish(),
  principal: text(100).nullish(),
  host: text(100).nullish(),
  operation: z.enum(['ANY', ...OPERATIONS]).optional(),
  permission: z.enum(['ANY', ...PERMISSIONS]).optional(),
});

function actor(ctx: Context) {
  if (!ctx.principal) throw unauthenticated(ctx);
  return { principal: ctx.principal, address: ctx.address };
}

export const aclsRouter = createTRPCRouter({
  /** Bindings matching the filter (Kafka's AclBindingFilter: ANY and missing fields match everything). */
  list: admin('acls.list')
    .input(filter.optional())
    .query(({ ctx, input }) => ctx.broker.auth.acls.describe(input ?? {})),

  /** Creates one binding (one already there is left as it is). INVALID_REQUEST with Kafka's reason if it is not valid. */
  create: admin('acls.create')
    .input(binding)
    .mutation(async ({ ctx, input }) => {
      const [outcome] = await ctx.broker.auth.acls.create(actor(ctx), [input]);
      if (outcome instanceof BrokerError) throw outcome;
      return input;
    }),

  /** Deletes every binding the filter matches; returns them. An empty filter would delete all: refused. */
  delete: admin('acls.delete')
    .input(filter)
    .mutation(async ({ ctx, input }) => {
      if (Object.values(input).every((v) => v === undefined || v === null || v === 'ANY')) {
        throw new BrokerError('INVALID_REQUEST', 'Name at least one field to delete by: an empty filter would delete every binding.');
      }
      const [removed] = await ctx.broker.auth.acls.delete(actor(ctx), [input]);
      return { deleted: removed };
    }),
});

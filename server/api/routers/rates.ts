import { z } from 'zod';
import { mayAccess } from '../auth/authorize';
import { timestampMs, topicRef } from '../inputs';
import { authorized, createTRPCRouter } from '../trpc';

export const ratesRouter = createTRPCRouter({
  /** Produce and consume rates (records/s) at each sample since `since` (default: the last hour). */
  history: authorized('read', 'topic', { acl: { operation: 'DESCRIBE', field: 'topic' } })
    .input(z.object({ since: timestampMs().nullish(), topic: topicRef.nullish() }).optional())
    .query(({ ctx, input }) => ctx.broker.stats.throughput(input?.since, input?.topic)),

  /** Each topic's produce rate at each sample since `since` (sparklines), for the topics the caller may DESCRIBE. */
  topics: authorized('read', 'topic')
    .input(z.object({ since: timestampMs().nullish() }).optional())
    .query(async ({ ctx, input }) =>
      Object.fromEntries(
        Object.entries(await ctx.broker.stats.topicRates(input?.since)).filter(([topic]) => mayAccess(ctx, 'DESCRIBE', 'topic', topic)),
      ),
    ),
});

import { z } from 'zod';
import { timestampMs, topicRef } from '../inputs';
import { authorized, createTRPCRouter } from '../trpc';

export const ratesRouter = createTRPCRouter({
  /** Produce and consume rates (records/s) at each sample since `since` (default: the last hour). */
  history: authorized('read', 'topic')
    .input(z.object({ since: timestampMs().nullish(), topic: topicRef.nullish() }).optional())
    .query(({ ctx, input }) => ctx.broker.stats.throughput(input?.since, input?.topic)),

  /** Each topic's produce rate at each sample since `since` (sparklines). */
  topics: authorized('read', 'topic')
    .input(z.object({ since: timestampMs().nullish() }).optional())
    .query(({ ctx, input }) => ctx.broker.stats.topicRates(input?.since)),
});

import { z } from 'zod';
import { createTRPCRouter, publicProcedure } from '../trpc';

export const ratesRouter = createTRPCRouter({
  /** Produce and consume rates (records/s) at each sample since `since` (default: the last hour). */
  history: publicProcedure
    .input(z.object({ since: z.number().nullish(), topic: z.string().nullish() }).optional())
    .query(({ ctx, input }) => ctx.broker.stats.throughput(input?.since, input?.topic)),

  /** Each topic's produce rate at each sample since `since` (sparklines). */
  topics: publicProcedure
    .input(z.object({ since: z.number().nullish() }).optional())
    .query(({ ctx, input }) => ctx.broker.stats.topicRates(input?.since)),
});

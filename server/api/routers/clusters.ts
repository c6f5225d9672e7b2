import { authorized, createTRPCRouter } from '../trpc';

export const clustersRouter = createTRPCRouter({
  /** Totals (from watermark rows and counters) and the Brook instances serving this database. */
  describe: authorized('read', 'cluster').query(async ({ ctx }) => {
    const [totals, instances] = await Promise.all([ctx.broker.stats.totals(), ctx.broker.stats.instances()]);
    return { totals, instances, sampleIntervalMs: ctx.broker.stats.sampleIntervalMs };
  }),
});

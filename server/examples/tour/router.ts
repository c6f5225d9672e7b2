import { z } from 'zod';
import { wellFormed } from '@/server/api/inputs';
import { hidesPayloads, visibleLanes } from '@/server/api/routers/hide-payloads';
import { authorized, type Context, createTRPCRouter } from '@/server/api/trpc';
import { inProcessBrook } from '@/server/examples/in-process';
import { addMember, removeMember, touchTour, tourGroupStatus } from '@/server/examples/tour/group';
import { ensureScratch, scratchLanes } from '@/server/examples/tour/scratch';
import { partitionForKey } from '@/server/kernel/partitioning';
import { MAX_PARTITIONS } from '@/server/kernel/topic-limits';

/** The tour as the caller (creating its topic needs their admin role) and as its own services (reads). */
const asCaller = (ctx: Context) => inProcessBrook(ctx.callerApi, 'brook-tour-admin', { forRequest: true });
const asTour = (ctx: Context) => inProcessBrook(ctx.api, 'brook-tour', { forRequest: true });

/** A key as the tour's widget takes it: text, hashed as its UTF-8 bytes (what records.produce stores). */
const key = wellFormed(1000);

/** The tour /learn: its scratch topic, the real partitioner, and a small consumer group run in this process. */
export const learnRouter = createTRPCRouter({
  /** Creates the scratch topic if missing (idempotent) and answers its lanes. */
  start: authorized('admin', 'cluster').mutation(async ({ ctx }) => {
    touchTour(Date.now());
    await ensureScratch(asCaller(ctx).admin());
    return visibleLanes(hidesPayloads(ctx), await scratchLanes(asTour(ctx)));
  }),

  /** Kafka's default partitioner (murmur2 of the key's bytes, modulo the partition count). */
  partitionFor: authorized('read', 'cluster')
    .input(z.object({ key, partitions: z.int().min(1).max(MAX_PARTITIONS) }))
    .query(({ input }) => ({ partition: partitionForKey(Buffer.from(input.key, 'utf8'), input.partitions) })),

  /** Each scratch partition's log start, high watermark and newest records; null before start. */
  scratch: authorized('read', 'cluster').query(async ({ ctx }) => {
    touchTour(Date.now());
    return visibleLanes(hidesPayloads(ctx), await scratchLanes(asTour(ctx)));
  }),

  group: authorized('read', 'cluster').query(({ ctx }) => {
    touchTour(Date.now());
    return tourGroupStatus(ctx.api);
  }),

  /** "+ consumer": one more member (at most 4); the broker moves partitions to it. */
  addConsumer: authorized('admin', 'cluster').mutation(async ({ ctx }) => {
    touchTour(Date.now());
    await ensureScratch(asCaller(ctx).admin());
    await addMember(ctx.api);
    return tourGroupStatus(ctx.api);
  }),

  /** "− consumer": the newest member leaves the group. */
  removeConsumer: authorized('admin', 'cluster').mutation(async ({ ctx }) => {
    touchTour(Date.now());
    await removeMember();
    return tourGroupStatus(ctx.api);
  }),
});

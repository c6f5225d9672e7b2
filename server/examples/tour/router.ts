import { z } from 'zod';
import { wellFormed } from '@/server/api/inputs';
import { hidesPayloads, visibleLanes } from '@/server/api/routers/hide-payloads';
import { authorized, createTRPCRouter } from '@/server/api/trpc';
import { partitionForKey } from '@/server/broker/partitioner';
import { MAX_PARTITIONS } from '@/server/broker/topics/names';
import { addMember, removeMember, touchTour, tourGroupStatus } from '@/server/examples/tour/group';
import { ensureScratch, scratchLanes } from '@/server/examples/tour/scratch';

/** A key as the tour's widget takes it: text, hashed as its UTF-8 bytes (what records.produce stores). */
const key = wellFormed(1000);

/** The tour /learn: its scratch topic, the real partitioner, and a small consumer group run in this process. */
export const learnRouter = createTRPCRouter({
  /** Creates the scratch topic if missing (idempotent) and answers its lanes. */
  start: authorized('admin', 'cluster').mutation(async ({ ctx }) => {
    touchTour(Date.now());
    await ensureScratch(ctx.broker);
    return visibleLanes(hidesPayloads(ctx), await scratchLanes(ctx.broker));
  }),

  /** Kafka's default partitioner (murmur2 of the key's bytes, modulo the partition count). */
  partitionFor: authorized('read', 'cluster')
    .input(z.object({ key, partitions: z.int().min(1).max(MAX_PARTITIONS) }))
    .query(({ input }) => ({ partition: partitionForKey(Buffer.from(input.key, 'utf8'), input.partitions) })),

  /** Each scratch partition's log start, high watermark and newest records; null before start. */
  scratch: authorized('read', 'cluster').query(async ({ ctx }) => {
    touchTour(Date.now());
    return visibleLanes(hidesPayloads(ctx), await scratchLanes(ctx.broker));
  }),

  group: authorized('read', 'cluster').query(({ ctx }) => {
    touchTour(Date.now());
    return tourGroupStatus(ctx.broker);
  }),

  /** "+ consumer": one more member (at most 4); the broker moves partitions to it. */
  addConsumer: authorized('admin', 'cluster').mutation(async ({ ctx }) => {
    touchTour(Date.now());
    await ensureScratch(ctx.broker);
    await addMember(ctx.api);
    return tourGroupStatus(ctx.broker);
  }),

  /** "− consumer": the newest member leaves the group. */
  removeConsumer: authorized('admin', 'cluster').mutation(async ({ ctx }) => {
    touchTour(Date.now());
    await removeMember();
    return tourGroupStatus(ctx.broker);
  }),
});

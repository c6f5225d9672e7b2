import { z } from 'zod';
import { int, newTopicName, text, topicRef } from '../inputs';
import { authorized, createTRPCRouter } from '../trpc';

const name = topicRef;
/** Config names are checked by the engine (INVALID_CONFIG); these bounds keep the map itself small. */
const configs = z
  .record(text(255), z.union([text(1000), z.number(), z.boolean(), z.null()]))
  .refine((c) => Object.keys(c).length <= 100, { message: 'at most 100 configs' });

export const topicsRouter = createTRPCRouter({
  list: authorized('read', 'topic').query(({ ctx }) => ctx.broker.listTopics()),

  get: authorized('read', 'topic')
    .input(z.object({ name }))
    .query(({ ctx, input }) => ctx.broker.describeTopic(input.name)),

  /** Log segments (child tables) of every partition, with offset ranges and sizes. */
  segments: authorized('read', 'topic')
    .input(z.object({ name }))
    .query(({ ctx, input }) => ctx.broker.segments(input.name)),

  create: authorized('admin', 'topic')
    .input(z.object({ name: newTopicName, partitions: int().default(1), configs: configs.optional() }))
    .mutation(({ ctx, input }) => ctx.broker.createTopic(input)),

  delete: authorized('admin', 'topic')
    .input(z.object({ name }))
    .mutation(async ({ ctx, input }) => {
      await ctx.broker.deleteTopic(input.name);
      return { name: input.name, deleted: true };
    }),

  alterConfigs: authorized('admin', 'topic')
    .input(z.object({ name, configs }))
    .mutation(({ ctx, input }) => ctx.broker.alterTopicConfigs(input.name, input.configs)),

  /** `count` is the new total number of partitions (Kafka's CreatePartitions); it can only go up. */
  addPartitions: authorized('admin', 'topic')
    .input(z.object({ name, count: int() }))
    .mutation(({ ctx, input }) => ctx.broker.addPartitions(input.name, input.count)),
});

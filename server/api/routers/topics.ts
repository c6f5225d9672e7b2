import { z } from 'zod';
import { mayAccess } from '../auth/authorize';
import { int, newTopicName, text, topicRef } from '../inputs';
import { authorized, createTRPCRouter } from '../trpc';

const name = topicRef;
/** Config names are checked by the engine (INVALID_CONFIG); these bounds keep the map itself small. */
const configs = z
  .record(text(255), z.union([text(1000), z.number(), z.boolean(), z.null()]))
  .refine((c) => Object.keys(c).length <= 100, { message: 'at most 100 configs' });

export const topicsRouter = createTRPCRouter({
  /** Only the topics the caller may DESCRIBE. */
  list: authorized('read', 'topic').query(async ({ ctx }) =>
    (await ctx.broker.listTopics()).filter((t) => mayAccess(ctx, 'DESCRIBE', 'topic', t.name)),
  ),

  get: authorized('read', 'topic', { acl: { operation: 'DESCRIBE', field: 'name' } })
    .input(z.object({ name }))
    .query(({ ctx, input }) => ctx.broker.describeTopic(input.name)),

  /** Log segments (child tables) of every partition, with offset ranges and sizes. */
  segments: authorized('read', 'topic', { acl: { operation: 'DESCRIBE', field: 'name' } })
    .input(z.object({ name }))
    .query(({ ctx, input }) => ctx.broker.segments(input.name)),

  create: authorized('admin', 'topic', { acl: { operation: 'CREATE', field: 'name' } })
    .input(z.object({ name: newTopicName, partitions: int().default(1), configs: configs.optional() }))
    .mutation(({ ctx, input }) => ctx.broker.createTopic(input)),

  delete: authorized('admin', 'topic', { acl: { operation: 'DELETE', field: 'name' } })
    .input(z.object({ name }))
    .mutation(async ({ ctx, input }) => {
      await ctx.broker.deleteTopic(input.name);
      return { name: input.name, deleted: true };
    }),

  alterConfigs: authorized('admin', 'topic', { acl: { operation: 'ALTER_CONFIGS', field: 'name' } })
    .input(z.object({ name, configs }))
    .mutation(({ ctx, input }) => ctx.broker.alterTopicConfigs(input.name, input.configs)),

  /** `count` is the new total number of partitions (Kafka's CreatePartitions); it can only go up. */
  addPartitions: authorized('admin', 'topic', { acl: { operation: 'ALTER', field: 'name' } })
    .input(z.object({ name, count: int() }))
    .mutation(({ ctx, input }) => ctx.broker.addPartitions(input.name, input.count)),
});

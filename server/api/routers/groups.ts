import { z } from 'zod';
import { MAX_PARTITIONS } from '@/server/broker/topics/names';
import { aclRefusal, mayAccess } from '../auth/authorize';
import {
  groupId,
  identifier,
  int,
  MAX_COMMIT_OFFSETS,
  MAX_TOPICS_PER_REQUEST,
  newTopicName,
  partition,
  partitionList,
  text,
  timestampMs,
  topicList,
  topicRef,
} from '../inputs';
import { authorized, createTRPCRouter } from '../trpc';

const topicPartitions = z.array(z.object({ topic: newTopicName, partitions: partitionList() })).max(MAX_TOPICS_PER_REQUEST);
const resetTarget = z.union([
  z.literal('earliest'),
  z.literal('latest'),
  /** ms since the epoch (UTC); never a default such as 0 for a missing time. */
  z.object({ timestamp: timestampMs() }),
  z.object({ offset: int() }),
  /** Exactly these positions (what a dry run showed). */
  z.object({
    offsets: z
      .array(z.object({ partition: partition(), offset: int().min(0) }))
      .min(1)
      .max(MAX_PARTITIONS),
  }),
]);

export const groupsRouter = createTRPCRouter({
  /** KIP-848-style: memberEpoch 0 joins, -1 leaves; the response carries the member's assignment. */
  heartbeat: authorized('write', 'group', { acl: { operation: 'READ', field: 'groupId' } })
    .input(
      z.object({
        groupId,
        memberId: identifier().nullish(),
        memberEpoch: int(),
        clientId: identifier().nullish(),
        topics: topicList().nullish(),
        rebalanceTimeoutMs: int().nullish(),
        ownedPartitions: topicPartitions.nullish(),
        sessionTimeoutMs: int().nullish(),
        assignor: z.enum(['uniform', 'range']).nullish(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.broker.groups.heartbeat({ ...input, clientHost: ctx.clientHost })),

  commit: authorized('write', 'group', { acl: { operation: 'READ', field: 'groupId' } })
    .input(
      z.object({
        groupId,
        memberId: identifier().nullish(),
        memberEpoch: int().nullish(),
        // Metadata longer than 4096 characters is the engine's OFFSET_METADATA_TOO_LARGE; this bound is the body's.
        offsets: z
          .array(z.object({ topic: topicRef, partition: partition(), offset: int(), metadata: text(65_536).nullish() }))
          .max(MAX_COMMIT_OFFSETS),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      // Kafka's OffsetCommit also needs READ on each topic committed.
      const refused = input.offsets.find((o) => !mayAccess(ctx, 'READ', 'topic', o.topic));
      if (refused) throw aclRefusal('topic', 'READ', refused.topic, ctx);
      await ctx.broker.groups.commit(input);
      return { committed: input.offsets.length };
    }),

  fetchOffsets: authorized('read', 'group', { acl: { operation: 'DESCRIBE', field: 'groupId' } })
    .input(z.object({ groupId, topics: topicList().nullish() }))
    .query(({ ctx, input }) => ctx.broker.groups.fetchOffsets(input.groupId, input.topics)),

  /** Only the groups the caller may DESCRIBE. */
  list: authorized('read', 'group').query(async ({ ctx }) =>
    (await ctx.broker.groups.list()).filter((g) => mayAccess(ctx, 'DESCRIBE', 'group', g.groupId)),
  ),

  describe: authorized('read', 'group', { acl: { operation: 'DESCRIBE', field: 'groupId' } })
    .input(z.object({ groupId }))
    .query(({ ctx, input }) => ctx.broker.groups.describe(input.groupId)),

  /** Groups reading a topic, with per-partition lag for that topic (the topic page's Consumers tab). */
  byTopic: authorized('read', 'group')
    .input(z.object({ topic: topicRef }))
    .query(async ({ ctx, input }) => {
      if (!mayAccess(ctx, 'DESCRIBE', 'topic', input.topic)) throw aclRefusal('topic', 'DESCRIBE', input.topic, ctx);
      return (await ctx.broker.groups.forTopic(input.topic)).filter((g) => mayAccess(ctx, 'DESCRIBE', 'group', g.groupId));
    }),

  lag: authorized('read', 'group', { acl: { operation: 'DESCRIBE', field: 'groupId' } })
    .input(z.object({ groupId }))
    .query(({ ctx, input }) => ctx.broker.groups.lag(input.groupId)),

  /** Samples since `since` (ms since epoch; default the last hour), rates and time to clear. */
  lagHistory: authorized('read', 'group', { acl: { operation: 'DESCRIBE', field: 'groupId' } })
    .input(z.object({ groupId, since: timestampMs().nullish() }))
    .query(({ ctx, input }) => ctx.broker.groups.lagHistory(input.groupId, input.since)),

  /** Only while the group has no members; `dryRun` returns the new positions without writing them. */
  resetOffsets: authorized('admin', 'group', { acl: { operation: 'READ', field: 'groupId' } })
    .input(z.object({ groupId, topic: topicRef, partitions: partitionList().nullish(), to: resetTarget, dryRun: z.boolean().optional() }))
    .mutation(({ ctx, input }) => ctx.broker.groups.resetOffsets(input)),

  deleteOffsets: authorized('admin', 'group', { acl: { operation: 'DELETE', field: 'groupId' } })
    .input(z.object({ groupId, topic: topicRef, partitions: partitionList().nullish() }))
    .mutation(async ({ ctx, input }) => ({ deleted: await ctx.broker.groups.deleteOffsets(input) })),

  delete: authorized('admin', 'group', { acl: { operation: 'DELETE', field: 'groupId' } })
    .input(z.object({ groupId }))
    .mutation(async ({ ctx, input }) => {
      await ctx.broker.groups.delete(input.groupId);
      return { groupId: input.groupId, deleted: true };
    }),
});

import type { Broker } from '@/server/broker';
import type { CommitRequest } from '@/server/broker/groups';
import { offsetCommit as api } from '../protocol';
import { errorCodeOf, kafkaCode } from './errors';
import { defineHandler } from './types';

type Partition = api.OffsetCommitRequestPartition;

/**
 * OffsetCommit 0-9: the partitions of unknown topics (or beyond a topic's partition count) are answered
 * UNKNOWN_TOPIC_OR_PARTITION each; the rest commit in one transaction with Kafka's classic checks
 * (generation, membership, ownership; generation -1 with no member id only while the group is empty), so
 * an error there (ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS...) is every one of those partitions' error.
 */
export const offsetCommitHandler = defineHandler<api.OffsetCommitRequest, api.OffsetCommitResponse>({
  name: 'OffsetCommit',
  apiKey: 8,
  minVersion: 0,
  maxVersion: 9,
  decode: api.decodeOffsetCommitRequest,
  encode: api.encodeOffsetCommitResponse,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const known = await knownPartitions(ctx.broker, req.topics);
    const offsets: CommitRequest['offsets'] = [];
    for (const t of req.topics) {
      for (const p of t.partitions) {
        if (known.get(t.name)?.has(p.partitionIndex)) offsets.push(offsetOf(t.name, p));
      }
    }
    let commitError = 0;
    if (offsets.length > 0) {
      try {
        await ctx.broker.groups.commit({
          groupId: req.groupId,
          memberId: v >= 1 && req.memberId ? req.memberId : null,
          offsets,
          classic: {
            generationId: v >= 1 ? req.generationIdOrMemberEpoch : -1,
            groupInstanceId: v >= 7 ? req.groupInstanceId : null,
          },
        });
      } catch (err) {
        commitError = errorCodeOf(err, 'COORDINATOR_LOAD_IN_PROGRESS');
      }
    }
    const unknown = kafkaCode('UNKNOWN_TOPIC_OR_PARTITION');
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: known.get(t.name)?.has(p.partitionIndex) ? commitError : unknown,
        })),
      })),
    };
  },
  /** A database outage: retried without a coordinator lookup (Java throws on 56; kafkajs rejoins on 16). */
  outage: 'COORDINATOR_LOAD_IN_PROGRESS',
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  }),
});

const offsetOf = (topic: string, p: Partition) => ({
  topic,
  partition: p.partitionIndex,
  offset: Number(p.committedOffset),
  metadata: p.committedMetadata,
});

/**
 * The partitions that exist among those named, by topic (the engine checks again under its lock). While
 * the database is away the topics are as last read, and a name never seen keeps its partitions: the commit
 * then fails retriably anyway, rather than telling the client its topic is unknown.
 */
async function knownPartitions(broker: Broker, topics: readonly api.OffsetCommitRequestTopic[]): Promise<Map<string, Set<number>>> {
  const named = new Map<string, number[]>();
  for (const t of topics) named.set(t.name, [...(named.get(t.name) ?? []), ...t.partitions.map((p) => p.partitionIndex)]);
  const layout = await broker.topicLayout([...named.keys()]);
  const counts = new Map(layout.topics.map((t) => [t.name, t.partitions]));
  const out = new Map<string, Set<number>>();
  for (const [name, indexes] of named) {
    const count = counts.get(name);
    out.set(name, new Set(indexes.filter((i) => i >= 0 && (count === undefined ? layout.stale : i < count))));
  }
  return out;
}

import type { Broker } from '@/server/broker';
import { offsetFetch as api } from '../protocol';
import { errorCodeOf } from './errors';
import { defineHandler } from './types';

interface TopicAsked {
  name: string;
  partitionIndexes: number[];
}

interface GroupAnswer {
  errorCode: number;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      committedOffset: bigint;
      committedLeaderEpoch: number;
      metadata: string | null;
      errorCode: number;
    }>;
  }>;
}

/**
 * OffsetFetch 0-9: committed offsets of the named partitions (-1 where nothing is committed, as Kafka
 * answers, also for a group that does not exist), or of every committed partition when topics is null.
 * v8+ asks for several groups at once, each answered with its own error.
 */
export const offsetFetchHandler = defineHandler<api.OffsetFetchRequest, api.OffsetFetchResponse>({
  name: 'OffsetFetch',
  apiKey: 9,
  minVersion: 0,
  maxVersion: 9,
  decode: api.decodeOffsetFetchRequest,
  encode: api.encodeOffsetFetchResponse,
  async handle(req, ctx) {
    if (ctx.apiVersion >= 8) {
      const groups = [];
      for (const g of req.groups)
        groups.push({ groupId: g.groupId, ...(await fetchGroup(ctx.broker, g.groupId, g.topics, ctx.apiVersion)) });
      return { throttleTimeMs: 0, groups };
    }
    // v0-1 have no top-level error code (the encoder drops it): every partition carries it too.
    const answer = await fetchGroup(ctx.broker, req.groupId, req.topics, ctx.apiVersion);
    return { throttleTimeMs: 0, errorCode: answer.errorCode, topics: answer.topics };
  },
  /** A database outage: the one code librdkafka 2.0, Java and kafkajs all retry here. */
  outage: 'COORDINATOR_LOAD_IN_PROGRESS',
  errorResponse(req, errorCode, ctx) {
    if (ctx.apiVersion >= 8) return { groups: req.groups.map((g) => ({ groupId: g.groupId, errorCode, topics: [] })) };
    return { errorCode, topics: failedTopics(req.topics, errorCode, ctx.apiVersion) };
  },
});

const NO_OFFSET = -1n;

const noOffset = (partitionIndex: number, errorCode: number) => ({
  partitionIndex,
  committedOffset: NO_OFFSET,
  committedLeaderEpoch: -1,
  metadata: '',
  errorCode,
});

/**
 * A group's error: v2+ carry it once, at the top, with no partitions (as Kafka answers: librdkafka 2.0 leaves
 * a partition with an error of its own unstarted); v0-1 have no top-level code, so every partition carries it.
 */
function failedTopics(topics: readonly TopicAsked[] | null, errorCode: number, version: number): GroupAnswer['topics'] {
  if (version >= 2) return [];
  return (topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((i) => noOffset(i, errorCode)) }));
}

async function fetchGroup(broker: Broker, groupId: string, topics: readonly TopicAsked[] | null, version: number): Promise<GroupAnswer> {
  if (topics !== null && topics.length === 0) return { errorCode: 0, topics: [] };
  let committed: Awaited<ReturnType<Broker['groups']['fetchOffsets']>>;
  try {
    committed = await broker.groups.fetchOffsets(
      groupId,
      topics?.map((t) => t.name),
    );
  } catch (err) {
    const errorCode = errorCodeOf(err, 'COORDINATOR_LOAD_IN_PROGRESS');
    return { errorCode, topics: failedTopics(topics, errorCode, version) };
  }
  const toAnswer = (p: { partition: number; offset: number; metadata: string }) => ({
    partitionIndex: p.partition,
    committedOffset: BigInt(p.offset),
    committedLeaderEpoch: -1,
    metadata: p.metadata,
    errorCode: 0,
  });
  if (topics === null) {
    return { errorCode: 0, topics: committed.map((t) => ({ name: t.topic, partitions: t.partitions.map(toAnswer) })) };
  }
  const byTopic = new Map(committed.map((t) => [t.topic, new Map(t.partitions.map((p) => [p.partition, p]))]));
  return {
    errorCode: 0,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((i) => {
        const c = byTopic.get(t.name)?.get(i);
        return c ? toAnswer(c) : noOffset(i, 0);
      }),
    })),
  };
}

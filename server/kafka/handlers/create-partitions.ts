import { BrokerError } from '@/server/broker/errors';
import { validatePartitionCount } from '@/server/broker/topics/names';
import { createPartitions } from '../protocol';
import { duplicateOutcome, duplicates, outcome } from './admin-outcome';
import { defineHandler, type KafkaContext } from './types';

type Topic = createPartitions.CreatePartitionsTopic;

/** Checks what the engine does not see (assignments, validate_only) and raises the count unless validating. */
async function grow(topic: Topic, validateOnly: boolean, ctx: KafkaContext): Promise<void> {
  validatePartitionCount(topic.count);
  const current = (await ctx.broker.describeTopic(topic.name)).partitions;
  if (topic.count <= current) {
    throw new BrokerError(
      'INVALID_PARTITIONS',
      `Topic "${topic.name}" has ${current} partitions; the new count must be higher (got ${topic.count}). Partitions can only be added.`,
    );
  }
  if (topic.assignments !== null) {
    if (topic.assignments.length !== topic.count - current) {
      throw new BrokerError(
        'INVALID_REPLICA_ASSIGNMENT',
        `Give one assignment per new partition (${topic.count - current}), not ${topic.assignments.length}.`,
      );
    }
    if (topic.assignments.some((a) => a.brokerIds.length !== 1)) {
      throw new BrokerError(
        'INVALID_REPLICA_ASSIGNMENT',
        "Each partition has exactly one replica in Brook (its durability is PostgreSQL's).",
      );
    }
  }
  // The engine checks the count again under the topic's row lock: a concurrent increase wins or fails cleanly.
  if (!validateOnly) await ctx.broker.addPartitions(topic.name, topic.count);
}

/** CreatePartitions v0-3: raises a topic's partition count to `count` (the new total, as Kafka). */
export const createPartitionsHandler = defineHandler<createPartitions.CreatePartitionsRequest, createPartitions.CreatePartitionsResponse>({
  name: 'CreatePartitions',
  apiKey: 37,
  minVersion: 0,
  maxVersion: 3,
  decode: createPartitions.decodeCreatePartitionsRequest,
  encode: createPartitions.encodeCreatePartitionsResponse,
  async handle(request, ctx) {
    const twice = duplicates(request.topics.map((t) => t.name));
    const results: createPartitions.CreatePartitionsTopicResult[] = [];
    for (const topic of request.topics) {
      const o = twice.has(topic.name) ? duplicateOutcome('topic', topic.name) : await outcome(() => grow(topic, request.validateOnly, ctx));
      results.push({ name: topic.name, ...o });
    }
    return { throttleTimeMs: 0, results };
  },
  errorResponse: (request, errorCode, _ctx, errorMessage) => ({
    throttleTimeMs: 0,
    results: request.topics.map((t) => ({ name: t.name, errorCode, errorMessage: errorMessage ?? null })),
  }),
});

import type { TopicDescription } from '@/server/broker';
import { type ConfigInput, describeConfigs, parseConfigs } from '@/server/broker/configs';
import { BrokerError } from '@/server/broker/errors';
import { collisionKey, validatePartitionCount, validateTopicName } from '@/server/broker/topics/names';
import { createTopics } from '../protocol';
import { duplicateOutcome, duplicates, type Outcome, outcome } from './admin-outcome';
import { DEFAULT_NUM_PARTITIONS, topicConfigEntries } from './describe-configs';
import { defineHandler, type KafkaContext } from './types';

type Topic = createTopics.CreatableTopic;
type Result = createTopics.CreatableTopicResult;
/** What a created (or validated) topic's result reports from v5 on. */
type Created = { partitions: number; configs: createTopics.CreatableTopicConfigs[] };

/** What a CreatableTopic asks for, in Brook's terms, or the error Kafka answers for it. */
function plan(topic: Topic): { partitions: number; configs: ConfigInput } {
  validateTopicName(topic.name);
  let partitions = topic.numPartitions;
  if (topic.assignments.length > 0) {
    if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
      throw new BrokerError('INVALID_REQUEST', 'Give either numPartitions and replicationFactor or replica assignments, not both.');
    }
    const indexes = topic.assignments.map((a) => a.partitionIndex).sort((a, b) => a - b);
    if (indexes.some((p, i) => p !== i)) {
      throw new BrokerError('INVALID_REPLICA_ASSIGNMENT', 'Replica assignments must name partitions 0 to n-1, each once.');
    }
    if (topic.assignments.some((a) => a.brokerIds.length !== 1)) {
      throw new BrokerError(
        'INVALID_REPLICA_ASSIGNMENT',
        "Each partition has exactly one replica in Brook (its durability is PostgreSQL's).",
      );
    }
    partitions = topic.assignments.length;
  } else {
    if (partitions === -1) partitions = DEFAULT_NUM_PARTITIONS;
    if (topic.replicationFactor !== -1 && topic.replicationFactor !== 1) {
      throw new BrokerError(
        'INVALID_REPLICATION_FACTOR',
        `Replication factor ${topic.replicationFactor} is not available: Brook's durability is PostgreSQL's, so it must be 1 (or -1 for the default).`,
      );
    }
  }
  validatePartitionCount(partitions);
  const configs: ConfigInput = {};
  for (const c of topic.configs) {
    if (c.value === null) throw new BrokerError('INVALID_CONFIG', `Config "${c.name}" needs a value.`);
    if (c.name in configs) throw new BrokerError('INVALID_CONFIG', `Config "${c.name}" is given more than once.`);
    configs[c.name] = c.value;
  }
  parseConfigs(configs);
  return { partitions, configs };
}

/** validate_only: everything a creation checks, with the existing names read once for the whole request. */
async function validate(topic: Topic, existing: () => Promise<Map<string, string>>) {
  const planned = plan(topic);
  const clash = (await existing()).get(collisionKey(topic.name));
  if (clash === topic.name) throw new BrokerError('TOPIC_ALREADY_EXISTS', `Topic "${topic.name}" already exists.`);
  if (clash) {
    throw new BrokerError(
      'INVALID_TOPIC_EXCEPTION',
      `Topic "${topic.name}" collides with existing topic "${clash}": names may not differ only by "." and "_".`,
    );
  }
  return planned;
}

function result(topic: Topic, o: Outcome, created?: Created): Result {
  return {
    name: topic.name,
    ...o,
    numPartitions: created?.partitions ?? -1,
    replicationFactor: created ? 1 : -1,
    configs: created?.configs ?? null,
  };
}

async function createOne(topic: Topic, validateOnly: boolean, ctx: KafkaContext, existing: () => Promise<Map<string, string>>) {
  let created: Created | undefined;
  const o = await outcome(async () => {
    let description: Pick<TopicDescription, 'partitions' | 'configEntries'>;
    if (validateOnly) {
      const { partitions, configs } = await validate(topic, existing);
      description = { partitions, configEntries: describeConfigs(parseConfigs(configs) as Record<string, string>) };
    } else {
      const { partitions, configs } = plan(topic);
      description = await ctx.broker.createTopic({ name: topic.name, partitions, configs });
    }
    created = {
      partitions: description.partitions,
      configs: topicConfigEntries(description).map((e) => ({
        name: e.name,
        value: e.value,
        readOnly: e.readOnly,
        configSource: e.source,
        isSensitive: false,
      })),
    };
  });
  return result(topic, o, o.errorCode === 0 ? created : undefined);
}

/**
 * CreateTopics v0-7. Per topic: num_partitions -1 = the default (1), replication factor -1 or 1 (Brook's
 * durability is PostgreSQL's), replica assignments of one replica each, configs validated as the HTTP API
 * does. validate_only checks all of that and that the name is free, and creates nothing.
 */
export const createTopicsHandler = defineHandler<createTopics.CreateTopicsRequest, createTopics.CreateTopicsResponse>({
  name: 'CreateTopics',
  apiKey: 19,
  minVersion: 0,
  maxVersion: 7,
  decode: createTopics.decodeCreateTopicsRequest,
  encode: createTopics.encodeCreateTopicsResponse,
  async handle(request, ctx) {
    const twice = duplicates(request.topics.map((t) => t.name));
    let names: Promise<Map<string, string>> | null = null;
    const existing = () => {
      names ??= ctx.broker.listTopics().then((ts) => new Map(ts.map((t) => [collisionKey(t.name), t.name])));
      return names;
    };
    const topics: Result[] = [];
    for (const topic of request.topics) {
      if (twice.has(topic.name)) topics.push(result(topic, duplicateOutcome('topic', topic.name)));
      else topics.push(await createOne(topic, request.validateOnly, ctx, existing));
    }
    return { throttleTimeMs: 0, topics };
  },
  errorResponse: (request, errorCode, _ctx, errorMessage) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => result(t, { errorCode, errorMessage: errorMessage ?? null })),
  }),
});

import { isBrokerError } from '@/server/broker';
import { roleAllows } from '@/server/kernel/auth-types';
import { metadata } from '../protocol';
import { may } from './acl-resources';
import { kafkaCode } from './errors';
import { defineHandler, type KafkaContext, type KafkaNode } from './types';

type Req = metadata.MetadataRequest;
type Res = metadata.MetadataResponse;
type TopicRes = metadata.MetadataResponseTopic;

/**
 * Which node leads a partition: partitions spread round-robin over the live instances (ordered by node id),
 * so clients spread their connections as over Kafka brokers. Every instance can serve every partition (they
 * share the log), so a client holding a stale answer is still served correctly.
 */
export function partitionLeader(brokers: readonly KafkaNode[], partition: number): number {
  return brokers[partition % brokers.length].nodeId;
}

/**
 * Metadata 0-12: brokers are the live instances, the controller is the lowest node id, every partition has
 * its leader as only replica and ISR, leader epoch 0. Topics have no ids (v10+ answers the zero UUID; a
 * request by id alone is UNKNOWN_TOPIC_ID). An unknown topic is UNKNOWN_TOPIC_OR_PARTITION with no
 * partitions, unless `auto.create.topics.enable` (BROOK_KAFKA_AUTO_CREATE_TOPICS, off by default: Kafka's
 * recommended production setting) is on and the client allows it: then it is created with num.partitions,
 * if the caller is an admin (TOPIC_AUTHORIZATION_FAILED otherwise, as Kafka answers without CREATE).
 */
export const metadataHandler = defineHandler<Req, Res>({
  name: 'Metadata',
  apiKey: 3,
  minVersion: 0,
  maxVersion: 12,
  decode: metadata.decodeMetadataRequest,
  encode: metadata.encodeMetadataResponse,
  async handle(req, ctx) {
    const [brokers, clusterId] = await Promise.all([ctx.cluster.brokers(), ctx.cluster.clusterId()]);
    const topics = await describeTopics(req, ctx, brokers);
    return {
      throttleTimeMs: 0,
      brokers: brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      clusterId,
      controllerId: brokers[0].nodeId,
      topics,
    };
  },
  /** Only with nothing cached: the topic-level code librdkafka skips and kafkajs retries (any other drops the topic). */
  outage: 'LEADER_NOT_AVAILABLE',
  errorResponse: (req, errorCode) => ({
    brokers: [],
    controllerId: -1,
    topics: (req.topics ?? []).map((t) => ({ errorCode, name: t.name, partitions: [] })),
  }),
});

async function describeTopics(req: Req, ctx: KafkaContext, brokers: readonly KafkaNode[]): Promise<TopicRes[]> {
  // v0: an empty list means every topic; v1+: null means every topic, empty means none.
  const all = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
  const named = (req.topics ?? []).flatMap((t) => (t.name === null ? [] : [t.name]));
  const layout = await ctx.broker.topicLayout(all ? null : named);
  // Topics the caller may not DESCRIBE are left out of "every topic" and refused by name, as in Kafka.
  if (all)
    return layout.topics.filter((t) => may(ctx, 'DESCRIBE', 'TOPIC', t.name)).map((t) => topicResponse(t.name, t.partitions, brokers));
  const found = new Map(layout.topics.map((t) => [t.name, t.partitions]));
  return Promise.all(
    (req.topics ?? []).map(async (t): Promise<TopicRes> => {
      if (t.name === null) return { errorCode: kafkaCode('UNKNOWN_TOPIC_ID'), name: null, topicId: t.topicId, partitions: [] };
      if (!may(ctx, 'DESCRIBE', 'TOPIC', t.name))
        return { errorCode: kafkaCode('TOPIC_AUTHORIZATION_FAILED'), name: t.name, partitions: [] };
      const partitions = found.get(t.name);
      if (partitions !== undefined) return topicResponse(t.name, partitions, brokers);
      // The database is away and this instance never saw the topic: it may exist, so "try again" rather than "unknown".
      if (layout.stale) return { errorCode: kafkaCode('LEADER_NOT_AVAILABLE'), name: t.name, partitions: [] };
      // v0-3 always ask for auto-creation; v4+ say whether they want it.
      const wanted = ctx.apiVersion < 4 || req.allowAutoTopicCreation;
      if (!(ctx.settings.autoCreateTopics && wanted))
        return { errorCode: kafkaCode('UNKNOWN_TOPIC_OR_PARTITION'), name: t.name, partitions: [] };
      // Creating is an admin's (Kafka: CREATE on the cluster); anyone else learns they may not, as in Kafka.
      if (!roleAllows(ctx.principal.role, 'admin'))
        return { errorCode: kafkaCode('TOPIC_AUTHORIZATION_FAILED'), name: t.name, partitions: [] };
      return autoCreate(t.name, ctx, brokers);
    }),
  );
}

/** auto.create.topics.enable: create with num.partitions; another instance creating it first is fine. */
async function autoCreate(name: string, ctx: KafkaContext, brokers: readonly KafkaNode[]): Promise<TopicRes> {
  try {
    await ctx.broker.createTopic({ name, partitions: ctx.settings.numPartitions });
  } catch (err) {
    if (isBrokerError(err, 'INVALID_TOPIC_EXCEPTION')) return { errorCode: err.kafkaCode, name, partitions: [] };
    if (!isBrokerError(err, 'TOPIC_ALREADY_EXISTS')) throw err;
  }
  const [created] = (await ctx.broker.topicLayout([name])).topics;
  if (!created) return { errorCode: kafkaCode('LEADER_NOT_AVAILABLE'), name, partitions: [] }; // deleted meanwhile
  return topicResponse(name, created.partitions, brokers);
}

function topicResponse(name: string, partitions: number, brokers: readonly KafkaNode[]): TopicRes {
  return {
    errorCode: 0,
    name,
    isInternal: false,
    partitions: Array.from({ length: partitions }, (_, partitionIndex) => {
      const leader = partitionLeader(brokers, partitionIndex);
      return {
        errorCode: 0,
        partitionIndex,
        leaderId: leader,
        leaderEpoch: 0,
        replicaNodes: [leader],
        isrNodes: [leader],
        offlineReplicas: [],
      };
    }),
  };
}

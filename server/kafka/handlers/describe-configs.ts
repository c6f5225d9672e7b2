import type { TopicDescription } from '@/server/broker';
import { TOPIC_CONFIGS } from '@/server/kernel/config-defs';
import { describeConfigs } from '../protocol';
import { failure, type Outcome, outcome } from './admin-outcome';
import { defineHandler, type KafkaContext } from './types';

/** Kafka's ConfigResource.Type codes. */
export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;

/** Kafka's DescribeConfigsResponse.ConfigSource codes (Brook's topic configs are Kafka's dynamic topic configs). */
const SOURCE_TOPIC_CONFIG = 1;
const SOURCE_STATIC_BROKER_CONFIG = 4;
const SOURCE_DEFAULT_CONFIG = 5;

/** Kafka's ConfigDef.Type codes, as DescribeConfigs v3+ reports them. */
const TYPE_STRING = 2;
const TYPE_INT = 3;
const TYPE_LONG = 5;
const TYPE_LIST = 7;
const TYPE_BOOLEAN = 1;
const TOPIC_CONFIG_TYPES: Record<string, number> = {
  'cleanup.policy': TYPE_LIST,
  'message.timestamp.type': TYPE_STRING,
  'segment.bytes': TYPE_INT,
  'max.message.bytes': TYPE_INT,
  'segment.records': TYPE_INT,
};

/** A topic config as Kafka's admin APIs describe it: value, where it comes from, its type. */
export interface KafkaConfigEntry {
  name: string;
  value: string;
  readOnly: boolean;
  isDefault: boolean;
  source: number;
  type: number;
  doc: string;
}

export function topicConfigEntries(topic: Pick<TopicDescription, 'configEntries'>): KafkaConfigEntry[] {
  return topic.configEntries.map((e) => ({
    name: e.name,
    value: e.value,
    readOnly: false,
    isDefault: e.isDefault,
    source: e.isDefault ? SOURCE_DEFAULT_CONFIG : SOURCE_TOPIC_CONFIG,
    type: TOPIC_CONFIG_TYPES[e.name] ?? TYPE_LONG,
    doc: e.doc,
  }));
}

/** Kafka's partition count for a CreateTopics without one (its num.partitions default). */
export const DEFAULT_NUM_PARTITIONS = 1;

/** Kafka's broker-level names for the topic configs' defaults (the topic config's "synonym"). */
const BROKER_SYNONYMS: Record<string, string> = {
  'cleanup.policy': 'log.cleanup.policy',
  'retention.ms': 'log.retention.ms',
  'retention.bytes': 'log.retention.bytes',
  'segment.bytes': 'log.segment.bytes',
  'segment.ms': 'log.roll.ms',
  'max.message.bytes': 'message.max.bytes',
  'message.timestamp.type': 'log.message.timestamp.type',
  'delete.retention.ms': 'log.cleaner.delete.retention.ms',
  'min.compaction.lag.ms': 'log.cleaner.min.compaction.lag.ms',
};

/** Kafka's security protocol of the listener the request came on: what a client must set to connect to it. */
export function securityProtocol(ctx: Pick<KafkaContext, 'conn' | 'sasl'>): 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL' {
  if (ctx.conn.tls) return ctx.sasl.enabled ? 'SASL_SSL' : 'SSL';
  return ctx.sasl.enabled ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
}

/**
 * A broker's configs: read-only (Brook has no dynamic broker configs), the same on every instance since
 * every instance serves the same log, plus what a client may ask of one broker (its id, its listener).
 */
async function brokerConfigEntries(nodeId: number, ctx: KafkaContext): Promise<KafkaConfigEntry[]> {
  const self = await ctx.cluster.self();
  const entry = (name: string, value: string, type: number, doc: string, source = SOURCE_DEFAULT_CONFIG): KafkaConfigEntry => ({
    name,
    value,
    readOnly: true,
    isDefault: source === SOURCE_DEFAULT_CONFIG,
    source,
    type,
    doc,
  });
  const entries = [
    entry(
      'broker.id',
      String(nodeId),
      TYPE_INT,
      "This Brook instance's Kafka node id (stable per advertised address).",
      SOURCE_STATIC_BROKER_CONFIG,
    ),
    entry('num.partitions', String(DEFAULT_NUM_PARTITIONS), TYPE_INT, 'Partitions of a topic created without a count.'),
    entry('default.replication.factor', '1', TYPE_INT, "Brook's durability is PostgreSQL's: every topic has replication factor 1."),
    entry('min.insync.replicas', '1', TYPE_INT, 'Every acknowledged record is committed in PostgreSQL.'),
    entry('delete.topic.enable', 'true', TYPE_BOOLEAN, 'Topics can be deleted.'),
    entry('auto.create.topics.enable', 'false', TYPE_BOOLEAN, 'Metadata requests never create topics.'),
  ];
  if (self.nodeId === nodeId) {
    entries.push(
      entry(
        'advertised.listeners',
        `${securityProtocol(ctx)}://${self.host}:${self.port}`,
        TYPE_LIST,
        'The address Kafka clients are told to connect to.',
        SOURCE_STATIC_BROKER_CONFIG,
      ),
    );
  }
  for (const [topicName, brokerName] of Object.entries(BROKER_SYNONYMS)) {
    const def = TOPIC_CONFIGS[topicName];
    entries.push(entry(brokerName, def.default, TOPIC_CONFIG_TYPES[topicName] ?? TYPE_LONG, def.doc));
  }
  return entries;
}

type Resource = describeConfigs.DescribeConfigsResource;
type Result = describeConfigs.DescribeConfigsResult;

async function describeResource(resource: Resource, ctx: KafkaContext): Promise<{ outcome: Outcome; entries: KafkaConfigEntry[] }> {
  let entries: KafkaConfigEntry[] = [];
  if (resource.resourceType === RESOURCE_TOPIC) {
    const result = await outcome(async () => {
      entries = topicConfigEntries(await ctx.broker.describeTopic(resource.resourceName));
    });
    return { outcome: result, entries };
  }
  if (resource.resourceType === RESOURCE_BROKER) {
    // "" names the cluster-wide defaults; otherwise a node id. Every instance serves the same configs.
    const name = resource.resourceName;
    if (name !== '' && !/^\d+$/.test(name)) {
      return { outcome: failure('INVALID_REQUEST', `Broker resource name "${name}" is not a node id.`), entries };
    }
    const nodeId = name === '' ? (await ctx.cluster.self()).nodeId : Number(name);
    return { outcome: { errorCode: 0, errorMessage: null }, entries: await brokerConfigEntries(nodeId, ctx) };
  }
  return {
    outcome: failure(
      'INVALID_REQUEST',
      `Resource type ${resource.resourceType} is not supported: Brook describes topics (2) and brokers (4).`,
    ),
    entries,
  };
}

/** DescribeConfigs v0-4: topic configs (Kafka's names, defaults and sources) and a broker's read-only configs. */
export const describeConfigsHandler = defineHandler<describeConfigs.DescribeConfigsRequest, describeConfigs.DescribeConfigsResponse>({
  name: 'DescribeConfigs',
  apiKey: 32,
  minVersion: 0,
  maxVersion: 4,
  decode: describeConfigs.decodeDescribeConfigsRequest,
  encode: describeConfigs.encodeDescribeConfigsResponse,
  async handle(request, ctx) {
    const results: Result[] = [];
    for (const resource of request.resources) {
      const { outcome: o, entries } = await describeResource(resource, ctx);
      // null or empty: every config, as Kafka answers both.
      const keys = resource.configurationKeys?.length ? new Set(resource.configurationKeys) : null;
      results.push({
        ...o,
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
        configs: entries
          .filter((e) => keys === null || keys.has(e.name))
          .map((e) => ({
            name: e.name,
            value: e.value,
            readOnly: e.readOnly,
            // v0's flag; v1+ say it with configSource (the flag is not in those versions).
            isDefault: ctx.apiVersion === 0 ? e.isDefault : undefined,
            configSource: e.source,
            isSensitive: false,
            synonyms: [],
            configType: e.type,
            documentation: request.includeDocumentation ? e.doc : null,
          })),
      });
    }
    return { throttleTimeMs: 0, results };
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    results: request.resources.map((r) => ({
      errorCode,
      errorMessage: null,
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      configs: [],
    })),
  }),
});

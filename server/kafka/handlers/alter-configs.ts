import { type ConfigInput, parseConfigs, TOPIC_CONFIG_NAMES } from '@/server/broker/configs';
import { BrokerError } from '@/server/broker/errors';
import { duplicateOutcome, duplicates, failure, type Outcome, outcome } from './admin-outcome';
import {
  ALTER_CONFIGS_KEY,
  ALTER_CONFIGS_MAX_VERSION,
  type AlterConfigsRequest,
  type AlterConfigsResource,
  type AlterConfigsResponse,
  decodeAlterConfigsRequest,
  encodeAlterConfigsResponse,
} from './alter-configs-codec';
import { RESOURCE_BROKER, RESOURCE_TOPIC } from './describe-configs';
import { defineHandler, type KafkaContext } from './types';

/**
 * A topic's new configs: AlterConfigs (unlike IncrementalAlterConfigs) replaces the whole set, so every
 * config not named goes back to its default. One engine call, so it is one UPDATE: no read-modify-write race.
 */
async function alterTopic(resource: AlterConfigsResource, validateOnly: boolean, ctx: KafkaContext): Promise<void> {
  const configs: ConfigInput = {};
  for (const c of resource.configs) {
    if (c.name in configs) throw new BrokerError('INVALID_CONFIG', `Config "${c.name}" is given more than once.`);
    configs[c.name] = c.value;
  }
  const set = parseConfigs(configs, { allowNull: true });
  if (validateOnly) {
    await ctx.broker.describeTopic(resource.resourceName);
    return;
  }
  const replace: ConfigInput = Object.fromEntries(TOPIC_CONFIG_NAMES.map((name) => [name, set[name] ?? null]));
  await ctx.broker.alterTopicConfigs(resource.resourceName, replace);
}

function alterOne(resource: AlterConfigsResource, validateOnly: boolean, ctx: KafkaContext): Promise<Outcome> {
  if (resource.resourceType === RESOURCE_TOPIC) return outcome(() => alterTopic(resource, validateOnly, ctx));
  if (resource.resourceType === RESOURCE_BROKER) {
    return Promise.resolve(failure('INVALID_REQUEST', "Brook's broker configs are read-only (see DescribeConfigs)."));
  }
  return Promise.resolve(
    failure('INVALID_REQUEST', `Resource type ${resource.resourceType} is not supported: Brook alters topic configs (2) only.`),
  );
}

/** AlterConfigs v0-1 (kafkajs's admin.alterConfigs, kafka-configs.sh of old): replaces a topic's configs. */
export const alterConfigsHandler = defineHandler<AlterConfigsRequest, AlterConfigsResponse>({
  name: 'AlterConfigs',
  apiKey: ALTER_CONFIGS_KEY,
  minVersion: 0,
  maxVersion: ALTER_CONFIGS_MAX_VERSION,
  decode: decodeAlterConfigsRequest,
  encode: encodeAlterConfigsResponse,
  async handle(request, ctx) {
    const twice = duplicates(request.resources.map((r) => `${r.resourceType}:${r.resourceName}`));
    const responses = [];
    for (const resource of request.resources) {
      const o = twice.has(`${resource.resourceType}:${resource.resourceName}`)
        ? duplicateOutcome('resource', resource.resourceName)
        : await alterOne(resource, request.validateOnly, ctx);
      responses.push({ ...o, resourceType: resource.resourceType, resourceName: resource.resourceName });
    }
    return { throttleTimeMs: 0, responses };
  },
  errorResponse: (request, errorCode, _ctx, errorMessage) => ({
    throttleTimeMs: 0,
    responses: request.resources.map((r) => ({
      errorCode,
      errorMessage: errorMessage ?? null,
      resourceType: r.resourceType,
      resourceName: r.resourceName,
    })),
  }),
});

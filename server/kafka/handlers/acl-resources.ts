import { type AclOperation, CLUSTER_NAME, type ResourceType } from '@/server/broker/auth/acls/types';
import { BrokerError, type KafkaErrorName } from '@/server/broker/errors';
import { KafkaProtocolError } from '../protocol';
import { RESOURCE_BROKER } from './describe-configs';
import type { ApiHandler, KafkaContext } from './types';

/**
 * Per-resource ACL checks (server/broker/auth/acls) for the APIs a caller's role lets it use: which topic,
 * group, transactional id or the cluster each request touches, and what Kafka answers when a binding
 * refuses one. A request refused in part is handled without the refused resources, and their Kafka error
 * is added to the answer (the handler's own errorResponse for just those builds them in the right shape).
 */

/** The whole request refused with this error, or a narrower request and how to complete its answer. */
export type Gated = { refuse: KafkaErrorName; message: string } | { request: unknown; finish(response: unknown): unknown };

type Req = Record<string, unknown>;
type Gate = (req: Req, ctx: KafkaContext, handler: ApiHandler) => Gated | null;

/** May the caller do `op` on the resource? No query: the broker's ACL cache decides. */
export function may(ctx: KafkaContext, op: AclOperation, type: ResourceType, name: string): boolean {
  return ctx.broker.auth.acls.allows(ctx.principal, ctx.conn.remoteAddress, op, type, name);
}

const REFUSAL: Record<ResourceType, KafkaErrorName> = {
  TOPIC: 'TOPIC_AUTHORIZATION_FAILED',
  GROUP: 'GROUP_AUTHORIZATION_FAILED',
  CLUSTER: 'CLUSTER_AUTHORIZATION_FAILED',
  TRANSACTIONAL_ID: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
};

const refuse = (ctx: KafkaContext, op: AclOperation, type: ResourceType, name: string): Gated => ({
  refuse: REFUSAL[type],
  message: `ACL: ${ctx.principal.name} may not ${op} ${type} ${JSON.stringify(name)}.`,
});

/** One resource for the whole request (a group's membership calls, the cluster). */
const whole =
  (op: AclOperation, type: ResourceType, nameOf: (req: Req) => string): Gate =>
  (req, ctx) =>
    may(ctx, op, type, nameOf(req)) ? null : refuse(ctx, op, type, nameOf(req));

/**
 * A list of resources in `field`, answered in `responseField`: the refused ones are left out of the
 * request and answered with `type`'s refusal. `check` says whether an item is allowed.
 */
function split(
  field: string,
  responseField: string,
  type: ResourceType,
  check: (item: Req, ctx: KafkaContext) => boolean,
  op: AclOperation,
): Gate {
  return (req, ctx, handler) => {
    const items = req[field];
    if (!Array.isArray(items) || items.length === 0) return null;
    const refused = items.filter((item) => !check(item, ctx));
    if (refused.length === 0) return null;
    const message = `ACL: ${ctx.principal.name} may not ${op} every ${type} of this request.`;
    if (refused.length === items.length) return { refuse: REFUSAL[type], message };
    const allowed = items.filter((item) => !refused.includes(item));
    return {
      request: { ...req, [field]: allowed },
      finish(response) {
        if (response === null) return response;
        const code = new BrokerError(REFUSAL[type], message).kafkaCode;
        const errors = handler.errorResponse({ ...req, [field]: refused }, code, ctx, message) as Req;
        const res = response as Req;
        return { ...res, [responseField]: [...(res[responseField] as unknown[]), ...(errors[responseField] as unknown[])] };
      },
    };
  };
}

const topicNamed =
  (key: string, op: AclOperation) =>
  (item: Req, ctx: KafkaContext): boolean =>
    typeof item[key] !== 'string' || may(ctx, op, 'TOPIC', item[key] as string);

/** DescribeConfigs and AlterConfigs resources: topics (2) by name, brokers (4) as the cluster. */
const configResource =
  (op: AclOperation) =>
  (item: Req, ctx: KafkaContext): boolean =>
    item.resourceType === RESOURCE_BROKER ? may(ctx, op, 'CLUSTER', CLUSTER_NAME) : may(ctx, op, 'TOPIC', String(item.resourceName));

/** Both gates in turn: the first refusal of the whole request wins, partial ones compose. */
function both(first: Gate, second: Gate): Gate {
  return (req, ctx, handler) => {
    const a = first(req, ctx, handler);
    if (a && 'refuse' in a) return a;
    const narrowed = (a?.request as Req | undefined) ?? req;
    const b = second(narrowed, ctx, handler);
    if (b && 'refuse' in b) return b;
    if (!a) return b;
    if (!b) return a;
    return { request: b.request, finish: (res) => a.finish(b.finish(res)) };
  };
}

const groupId = (req: Req) => String(req.groupId);

/**
 * What each API checks beyond its role (Kafka's KafkaApis): per topic, per group, on the cluster. APIs
 * not listed check nothing more (ApiVersions, SASL), or filter their answer instead (Metadata, ListGroups).
 */
export const KAFKA_RESOURCE_GATES: Readonly<Record<string, Gate>> = {
  Produce: split('topicData', 'responses', 'TOPIC', topicNamed('name', 'WRITE'), 'WRITE'),
  Fetch: split('topics', 'responses', 'TOPIC', topicNamed('topic', 'READ'), 'READ'),
  ListOffsets: split('topics', 'topics', 'TOPIC', topicNamed('name', 'DESCRIBE'), 'DESCRIBE'),
  OffsetCommit: both(whole('READ', 'GROUP', groupId), split('topics', 'topics', 'TOPIC', topicNamed('name', 'READ'), 'READ')),
  // Kafka checks DESCRIBE for OffsetFetch (a viewer reads a group's offsets, as before ACLs).
  OffsetFetch: (req, ctx, handler) => {
    const groups = req.groups as Req[] | undefined;
    if (Array.isArray(groups) && groups.length > 0)
      return split('groups', 'groups', 'GROUP', (g, c) => may(c, 'DESCRIBE', 'GROUP', String(g.groupId)), 'DESCRIBE')(req, ctx, handler);
    return whole('DESCRIBE', 'GROUP', groupId)(req, ctx, handler);
  },
  JoinGroup: whole('READ', 'GROUP', groupId),
  SyncGroup: whole('READ', 'GROUP', groupId),
  Heartbeat: whole('READ', 'GROUP', groupId),
  LeaveGroup: whole('READ', 'GROUP', groupId),
  FindCoordinator: (req, ctx, handler) => {
    const type: ResourceType = req.keyType === 1 ? 'TRANSACTIONAL_ID' : 'GROUP';
    const keys = req.coordinatorKeys as string[] | undefined;
    if (Array.isArray(keys) && keys.length > 0) {
      const refused = keys.filter((k) => !may(ctx, 'DESCRIBE', type, k));
      if (refused.length === 0) return null;
      if (refused.length === keys.length) return refuse(ctx, 'DESCRIBE', type, refused[0]);
      const message = `ACL: ${ctx.principal.name} may not DESCRIBE ${type} of some keys.`;
      return {
        request: { ...req, coordinatorKeys: keys.filter((k) => !refused.includes(k)) },
        finish(response) {
          const code = new BrokerError(REFUSAL[type], message).kafkaCode;
          const errors = handler.errorResponse({ ...req, coordinatorKeys: refused }, code, ctx, message) as Req;
          const res = response as Req;
          return { ...res, coordinators: [...(res.coordinators as unknown[]), ...(errors.coordinators as unknown[])] };
        },
      };
    }
    return whole('DESCRIBE', type, (r) => String(r.key))(req, ctx, handler);
  },
  DescribeGroups: split('groups', 'groups', 'GROUP', (g, ctx) => may(ctx, 'DESCRIBE', 'GROUP', String(g)), 'DESCRIBE'),
  DeleteGroups: split('groupsNames', 'results', 'GROUP', (g, ctx) => may(ctx, 'DELETE', 'GROUP', String(g)), 'DELETE'),
  CreateTopics: split(
    'topics',
    'topics',
    'TOPIC',
    (t, ctx) => may(ctx, 'CREATE', 'CLUSTER', CLUSTER_NAME) || may(ctx, 'CREATE', 'TOPIC', String(t.name)),
    'CREATE',
  ),
  DeleteTopics: (req, ctx, handler) =>
    (Array.isArray(req.topicNames) && req.topicNames.length > 0
      ? split('topicNames', 'responses', 'TOPIC', (n, c) => may(c, 'DELETE', 'TOPIC', String(n)), 'DELETE')
      : split('topics', 'responses', 'TOPIC', topicNamed('name', 'DELETE'), 'DELETE'))(req, ctx, handler),
  CreatePartitions: split('topics', 'results', 'TOPIC', topicNamed('name', 'ALTER'), 'ALTER'),
  DescribeConfigs: split('resources', 'results', 'TOPIC', configResource('DESCRIBE_CONFIGS'), 'DESCRIBE_CONFIGS'),
  AlterConfigs: split('resources', 'responses', 'TOPIC', configResource('ALTER_CONFIGS'), 'ALTER_CONFIGS'),
  DescribeCluster: whole('DESCRIBE', 'CLUSTER', () => CLUSTER_NAME),
  InitProducerId: (req, ctx) => {
    if (typeof req.transactionalId === 'string') {
      return may(ctx, 'WRITE', 'TRANSACTIONAL_ID', req.transactionalId)
        ? null
        : refuse(ctx, 'WRITE', 'TRANSACTIONAL_ID', req.transactionalId);
    }
    return may(ctx, 'IDEMPOTENT_WRITE', 'CLUSTER', CLUSTER_NAME) ? null : refuse(ctx, 'IDEMPOTENT_WRITE', 'CLUSTER', CLUSTER_NAME);
  },
};

/** The per-resource gate of one request; null when nothing is refused. Produce acks=0 cannot be answered: closed, as Kafka. */
export function gate(handler: ApiHandler, request: unknown, ctx: KafkaContext): Gated | null {
  const g = KAFKA_RESOURCE_GATES[handler.name];
  if (!g || ctx.principal.role === 'admin') return null;
  const gated = g(request as Req, ctx, handler);
  if (gated && handler.name === 'Produce' && (request as { acks: number }).acks === 0) {
    throw new KafkaProtocolError(
      `Produce with acks=0 refused: ${'refuse' in gated ? gated.message : 'TOPIC_AUTHORIZATION_FAILED for some topics'}`,
    );
  }
  return gated;
}

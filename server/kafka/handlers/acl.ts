import { BrokerError, type KafkaErrorName } from '@/server/broker/errors';
import type { Permission, Principal } from '@/server/kernel/auth-types';
import { roleAllows } from '@/server/kernel/auth-types';
import { KafkaProtocolError } from '../protocol';
import type { AlterConfigsResponse } from './alter-configs-codec';
import { RESOURCE_BROKER } from './describe-configs';
import { kafkaCode } from './errors';
import type { ApiHandler, KafkaContext } from './types';

type Refusal = Extract<KafkaErrorName, 'TOPIC_AUTHORIZATION_FAILED' | 'GROUP_AUTHORIZATION_FAILED' | 'CLUSTER_AUTHORIZATION_FAILED'>;

/** What an API needs: a permission (null: open to anyone, authenticated or not) and the error it is refused with. */
export interface AclRule {
  permission: Permission | null;
  refusal: Refusal;
}

const open: AclRule = { permission: null, refusal: 'CLUSTER_AUTHORIZATION_FAILED' };
const rule = (permission: Permission, refusal: Refusal): AclRule => ({ permission, refusal });

/**
 * Every served API's permission by role (docs/acls.md), and the error Kafka refuses it with: per topic for
 * the data and topic-admin APIs, per group for group APIs, cluster-wide otherwise. Keyed by API name; the
 * registry test checks that every served API has a line, and an API without one is refused.
 */
export const KAFKA_ACL: Readonly<Record<string, AclRule>> = {
  ApiVersions: open,
  SaslHandshake: open,
  SaslAuthenticate: open,
  Metadata: rule('read', 'TOPIC_AUTHORIZATION_FAILED'),
  ListOffsets: rule('read', 'TOPIC_AUTHORIZATION_FAILED'),
  FindCoordinator: rule('read', 'GROUP_AUTHORIZATION_FAILED'),
  DescribeConfigs: rule('read', 'TOPIC_AUTHORIZATION_FAILED'),
  ListGroups: rule('read', 'CLUSTER_AUTHORIZATION_FAILED'),
  DescribeGroups: rule('read', 'GROUP_AUTHORIZATION_FAILED'),
  OffsetFetch: rule('read', 'GROUP_AUTHORIZATION_FAILED'),
  DescribeCluster: rule('read', 'CLUSTER_AUTHORIZATION_FAILED'),
  Produce: rule('write', 'TOPIC_AUTHORIZATION_FAILED'),
  Fetch: rule('write', 'TOPIC_AUTHORIZATION_FAILED'),
  JoinGroup: rule('write', 'GROUP_AUTHORIZATION_FAILED'),
  SyncGroup: rule('write', 'GROUP_AUTHORIZATION_FAILED'),
  Heartbeat: rule('write', 'GROUP_AUTHORIZATION_FAILED'),
  LeaveGroup: rule('write', 'GROUP_AUTHORIZATION_FAILED'),
  OffsetCommit: rule('write', 'GROUP_AUTHORIZATION_FAILED'),
  // An idempotent producer id is Kafka's IDEMPOTENT_WRITE on the cluster.
  InitProducerId: rule('write', 'CLUSTER_AUTHORIZATION_FAILED'),
  CreateTopics: rule('admin', 'TOPIC_AUTHORIZATION_FAILED'),
  DeleteTopics: rule('admin', 'TOPIC_AUTHORIZATION_FAILED'),
  CreatePartitions: rule('admin', 'TOPIC_AUTHORIZATION_FAILED'),
  AlterConfigs: rule('admin', 'TOPIC_AUTHORIZATION_FAILED'),
  DeleteGroups: rule('admin', 'GROUP_AUTHORIZATION_FAILED'),
  // Kafka: DESCRIBE (DescribeAcls) and ALTER (CreateAcls, DeleteAcls) on the cluster; Brook keeps ACLs to admins.
  DescribeAcls: rule('admin', 'CLUSTER_AUTHORIZATION_FAILED'),
  CreateAcls: rule('admin', 'CLUSTER_AUTHORIZATION_FAILED'),
  DeleteAcls: rule('admin', 'CLUSTER_AUTHORIZATION_FAILED'),
};

const DENY_UNLISTED: AclRule = rule('admin', 'CLUSTER_AUTHORIZATION_FAILED');

export const aclRule = (apiName: string): AclRule => (Object.hasOwn(KAFKA_ACL, apiName) ? KAFKA_ACL[apiName] : DENY_UNLISTED);

/** Open APIs need no principal: the only ones an unauthenticated connection may send when auth is on. */
export const isOpenApi = (apiName: string) => aclRule(apiName).permission === null;

/**
 * A role whose payloads are hidden (BROOK_HIDE_PAYLOADS) may not Fetch: a record batch cannot be handed out
 * with its keys and values blanked (its CRC covers them), so the listener refuses it rather than leak them.
 */
export function allowed(principal: Principal, apiName: string): boolean {
  const { permission } = aclRule(apiName);
  if (apiName === 'Fetch' && principal.hidePayloads) return false;
  return permission === null || roleAllows(principal.role, permission);
}

/**
 * The answer to a request the caller's role may not make: the handler's whole-request error response with
 * the API's refusal in every topic, group or resource (AlterConfigs of a broker: CLUSTER_AUTHORIZATION_FAILED,
 * as in Kafka). Produce with acks=0 cannot be answered: the connection is closed, as Kafka does.
 */
export function refusal(handler: ApiHandler, request: unknown, ctx: KafkaContext): unknown {
  const { permission, refusal: name } = aclRule(handler.name);
  const message =
    ctx.principal.hidePayloads && handler.name === 'Fetch'
      ? `Role ${ctx.principal.role} has its payloads hidden (BROOK_HIDE_PAYLOADS): no Fetch over Kafka.`
      : `Role ${ctx.principal.role} of ${ctx.principal.name} may not use ${handler.name} (it needs ${permission}).`;
  if (handler.name === 'Produce' && (request as { acks: number }).acks === 0) {
    throw new KafkaProtocolError(`Produce with acks=0 refused: ${name} (${message})`);
  }
  const response = handler.errorResponse(request, new BrokerError(name, message).kafkaCode, ctx, message);
  if (handler.name === 'AlterConfigs') {
    for (const r of (response as AlterConfigsResponse).responses) {
      if (r.resourceType === RESOURCE_BROKER) r.errorCode = kafkaCode('CLUSTER_AUTHORIZATION_FAILED');
    }
  }
  return response;
}

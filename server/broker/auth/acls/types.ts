/**
 * Kafka's ACL vocabulary (org.apache.kafka.common.acl and .resource): the names are Kafka's, and so are
 * the wire codes, so the Kafka ACL APIs, the HTTP API and the CLI speak one language.
 */

export {
  type AclOperation,
  type AclPermission,
  OPERATIONS,
  PATTERN_TYPES,
  type PatternType,
  PERMISSIONS,
  RESOURCE_TYPES,
  type ResourceType,
} from '@/server/kernel/acl-names';

import type { AclOperation, AclPermission, PatternType, ResourceType } from '@/server/kernel/acl-names';

/** The one name a CLUSTER resource has, as in Kafka. */
export const CLUSTER_NAME = 'kafka-cluster';
/** A LITERAL resource name, principal or host that matches every one. */
export const WILDCARD = '*';
/** Brook principals are all `User:<name>`: users and API tokens alike (a token is used by its name over SASL). */
export const USER_PREFIX = 'User:';

/** One ACL binding: a resource pattern and an access control entry, as Kafka's AclBinding. */
export interface AclBinding {
  resourceType: ResourceType;
  patternType: PatternType;
  resourceName: string;
  /** `User:<name>` or `User:*`. */
  principal: string;
  /** `*` or a client address. */
  host: string;
  operation: AclOperation;
  permission: AclPermission;
}

/** Kafka's AclBindingFilter: null fields and ANY match everything; MATCH matches the patterns that apply to a name. */
export interface AclBindingFilter {
  resourceType: ResourceType | 'ANY';
  patternType: PatternType | 'ANY' | 'MATCH';
  resourceName: string | null;
  principal: string | null;
  host: string | null;
  operation: AclOperation | 'ANY';
  permission: AclPermission | 'ANY';
}

export const MATCH_ALL: AclBindingFilter = {
  resourceType: 'ANY',
  patternType: 'ANY',
  resourceName: null,
  principal: null,
  host: null,
  operation: 'ANY',
  permission: 'ANY',
};

/** Kafka's wire codes (AclOperation.code(), ResourceType.code(), PatternType.code(), AclPermissionType.code()). */
export const RESOURCE_TYPE_CODES: Record<ResourceType | 'ANY' | 'UNKNOWN', number> = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
};
export const PATTERN_TYPE_CODES: Record<PatternType | 'ANY' | 'MATCH' | 'UNKNOWN', number> = {
  UNKNOWN: 0,
  ANY: 1,
  MATCH: 2,
  LITERAL: 3,
  PREFIXED: 4,
};
export const OPERATION_CODES: Record<AclOperation | 'ANY' | 'UNKNOWN', number> = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
};
export const PERMISSION_CODES: Record<AclPermission | 'ANY' | 'UNKNOWN', number> = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 };

/** The name of a wire code in one of the tables above ('UNKNOWN' for a code Brook does not know). */
export function nameOfCode<K extends string>(table: Record<K, number>, code: number): K {
  for (const [name, c] of Object.entries(table) as [K, number][]) if (c === code) return name;
  return 'UNKNOWN' as K;
}

/** The principal string of a Brook user or token name. */
export const principalOf = (name: string): string => `${USER_PREFIX}${name}`;

import type { Role } from '@/server/kernel/auth-types';
import { type AclBinding, type AclOperation, principalOf, type ResourceType, USER_PREFIX, WILDCARD } from './types';

/**
 * What a role may do on a resource no ACL binding matches: the role presets. Brook's roles predate ACLs,
 * and a cluster without bindings behaves exactly as it did (Kafka's allow.everyone.if.no.acl.found, per
 * role). Admins are super users and never reach this. See docs/acls.md for the table.
 */
const VIEWER: Record<ResourceType, ReadonlySet<AclOperation>> = {
  // READ on a topic: the console's browse (a viewer still may not Fetch over Kafka: the role gate refuses it).
  TOPIC: new Set(['DESCRIBE', 'DESCRIBE_CONFIGS', 'READ']),
  GROUP: new Set(['DESCRIBE']),
  CLUSTER: new Set(['DESCRIBE', 'DESCRIBE_CONFIGS']),
  TRANSACTIONAL_ID: new Set(['DESCRIBE']),
};
const PRODUCER: Record<ResourceType, ReadonlySet<AclOperation>> = {
  TOPIC: new Set(['DESCRIBE', 'DESCRIBE_CONFIGS', 'READ', 'WRITE']),
  GROUP: new Set(['DESCRIBE', 'READ']),
  CLUSTER: new Set(['DESCRIBE', 'DESCRIBE_CONFIGS', 'IDEMPOTENT_WRITE']),
  TRANSACTIONAL_ID: new Set(['DESCRIBE', 'WRITE']),
};

export function rolePreset(role: Role, operation: AclOperation, resourceType: ResourceType): boolean {
  if (role === 'admin') return true;
  return (role === 'producer' ? PRODUCER : VIEWER)[resourceType].has(operation);
}

/** READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS (Kafka's rule, for ALLOW only). */
const IMPLIES: Partial<Record<AclOperation, ReadonlySet<AclOperation>>> = {
  DESCRIBE: new Set(['DESCRIBE', 'READ', 'WRITE', 'DELETE', 'ALTER']),
  DESCRIBE_CONFIGS: new Set(['DESCRIBE_CONFIGS', 'ALTER_CONFIGS']),
};

/** Bindings by resource type and pattern, so the bindings that match a resource are found without a scan of all. */
export class AclIndex {
  readonly size: number;
  private readonly literal = new Map<ResourceType, Map<string, AclBinding[]>>();
  private readonly wildcard = new Map<ResourceType, AclBinding[]>();
  private readonly prefixed = new Map<ResourceType, AclBinding[]>();

  constructor(bindings: readonly AclBinding[]) {
    this.size = bindings.length;
    for (const b of bindings) {
      if (b.patternType === 'PREFIXED') push(this.prefixed, b.resourceType, b);
      else if (b.resourceName === WILDCARD) push(this.wildcard, b.resourceType, b);
      else {
        const byName = this.literal.get(b.resourceType) ?? new Map<string, AclBinding[]>();
        this.literal.set(b.resourceType, byName);
        push(byName, b.resourceName, b);
      }
    }
  }

  /** Every binding whose pattern covers the resource, whatever its principal, host or operation. */
  matching(resourceType: ResourceType, name: string): AclBinding[] {
    const out: AclBinding[] = [];
    const literal = this.literal.get(resourceType)?.get(name);
    if (literal) out.push(...literal);
    const wildcard = this.wildcard.get(resourceType);
    if (wildcard) out.push(...wildcard);
    for (const b of this.prefixed.get(resourceType) ?? []) if (name.startsWith(b.resourceName)) out.push(b);
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Who asks: a Brook user or token (its name is its principal `User:<name>`) and its role. */
export interface AclSubject {
  name: string;
  role: Role;
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is `10.0.0.1`, as Kafka sees it. */
export const normalizeHost = (host: string | null): string => (host ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

/**
 * Kafka's authorizer decision for one action (StandardAuthorizerData): admins always; with no binding
 * on the resource at all, the role preset; otherwise a matching DENY refuses, then a matching ALLOW
 * (with implied operations) permits, and anything else is refused. A binding matches the caller when its
 * principal is `User:<name>` or `User:*` and its host is `*` or the caller's address.
 */
export function authorize(
  subject: AclSubject,
  host: string | null,
  operation: AclOperation,
  resourceType: ResourceType,
  resourceName: string,
  bindings: AclIndex | readonly AclBinding[],
): boolean {
  if (subject.role === 'admin') return true;
  const index = bindings instanceof AclIndex ? bindings : new AclIndex(bindings);
  if (index.size === 0) return rolePreset(subject.role, operation, resourceType);
  const matching = index.matching(resourceType, resourceName);
  if (matching.length === 0) return rolePreset(subject.role, operation, resourceType);
  const principal = principalOf(subject.name);
  const address = normalizeHost(host);
  let allowed = false;
  for (const b of matching) {
    if (b.principal !== principal && b.principal !== `${USER_PREFIX}${WILDCARD}`) continue;
    if (b.host !== WILDCARD && b.host !== address) continue;
    if (b.permission === 'DENY') {
      if (b.operation === 'ALL' || b.operation === operation) return false;
    } else if (!allowed) {
      allowed = b.operation === 'ALL' || b.operation === operation || (IMPLIES[operation]?.has(b.operation) ?? false);
    }
  }
  return allowed;
}

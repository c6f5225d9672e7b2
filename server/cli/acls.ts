import type { AuditActor, Auth } from '@/server/broker/auth';
import { type AclBinding, CLUSTER_NAME } from '@/server/broker/auth/acls/types';
import { UsageError } from './password-input';

export const ACLS_USAGE = `  acls list [<resource>]
  acls add <allow|deny> <principal> <operation> <resource> [--prefixed] [--host <ip>]
  acls remove <allow|deny> <principal> <operation> <resource> [--prefixed] [--host <ip>]

  <principal>: User:<name> or User:*; <operation>: READ, WRITE, DESCRIBE, ALL, ... (docs/acls.md);
  <resource>: topic:<name>, group:<name>, transactional-id:<name> or cluster (a name may be *).`;

const TYPES: Record<string, AclBinding['resourceType']> = {
  topic: 'TOPIC',
  group: 'GROUP',
  'transactional-id': 'TRANSACTIONAL_ID',
  cluster: 'CLUSTER',
};

function resource(spec: string): { resourceType: AclBinding['resourceType']; resourceName: string } {
  if (spec === 'cluster') return { resourceType: 'CLUSTER', resourceName: CLUSTER_NAME };
  const colon = spec.indexOf(':');
  const type = TYPES[spec.slice(0, colon)];
  if (colon < 0 || !type)
    throw new UsageError(`a resource is topic:<name>, group:<name>, transactional-id:<name> or cluster (got ${spec})`);
  return { resourceType: type, resourceName: spec.slice(colon + 1) };
}

function binding(words: string[], flags: Map<string, string | true>, verb: string): Partial<Record<keyof AclBinding, unknown>> {
  if (words.length !== 4)
    throw new UsageError(`usage: npm run brook -- acls ${verb} <allow|deny> <principal> <operation> <resource> [--prefixed] [--host <ip>]`);
  const [permission, principal, operation, spec] = words;
  const host = flags.get('--host');
  return {
    permission: permission.toUpperCase(),
    principal,
    operation: operation.toUpperCase().replace(/-/g, '_'),
    ...resource(spec),
    patternType: flags.has('--prefixed') ? 'PREFIXED' : 'LITERAL',
    host: typeof host === 'string' ? host : '*',
  };
}

const line = (b: AclBinding) =>
  [b.permission, b.principal, b.operation, `${b.resourceType}:${b.patternType}:${b.resourceName}`, b.host].join('  ');

/** `npm run brook -- acls ...`: Kafka ACL bindings from a shell, audited as the CLI. */
export async function runAcls(
  auth: Auth,
  actor: AuditActor,
  command: string,
  words: string[],
  flags: Map<string, string | true>,
): Promise<string> {
  switch (command) {
    case 'list': {
      if (words.length > 1) throw new UsageError('usage: npm run brook -- acls list [<resource>]');
      const filter = words[0] ? { ...resource(words[0]), patternType: 'MATCH' } : {};
      const bindings = await auth.acls.describe(filter);
      return bindings.length === 0 ? 'No ACL bindings.' : bindings.map(line).join('\n');
    }
    case 'add': {
      const [outcome] = await auth.acls.create(actor, [binding(words, flags, 'add')]);
      if (outcome) throw outcome;
      return 'Binding added.';
    }
    case 'remove': {
      const [removed] = await auth.acls.delete(actor, [binding(words, flags, 'remove')]);
      return removed.length === 0 ? 'No such binding.' : `Removed: ${removed.map(line).join('\n')}`;
    }
    default:
      throw new UsageError(`usage:\n${ACLS_USAGE}`);
  }
}

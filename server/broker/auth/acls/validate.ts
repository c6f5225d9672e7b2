import net from 'node:net';
import { BrokerError } from '../../errors';
import { PRINCIPAL_NAME } from '../names';
import {
  type AclBinding,
  type AclBindingFilter,
  CLUSTER_NAME,
  OPERATIONS,
  PATTERN_TYPES,
  PERMISSIONS,
  RESOURCE_TYPES,
  USER_PREFIX,
  WILDCARD,
} from './types';

const MAX_RESOURCE_NAME = 255;

const invalid = (message: string) => new BrokerError('INVALID_REQUEST', message);

function oneOf<T extends string>(what: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`${what} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value ?? null)}).`);
  }
  return value as T;
}

/** `User:<name>` (a user or token name) or `User:*`; Brook has no other principal type. */
export function checkPrincipal(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith(USER_PREFIX)) {
    throw invalid(`A principal is User:<name> or User:* (got ${JSON.stringify(value ?? null)}).`);
  }
  const name = value.slice(USER_PREFIX.length);
  if (name !== WILDCARD && !PRINCIPAL_NAME.test(name)) {
    throw invalid('A principal name is * or 1 to 64 letters, digits, dots, underscores or hyphens.');
  }
  return value;
}

/** `*` or an IP address (IPv4-mapped IPv6 is stored as IPv4, as clients are seen). */
export function checkHost(value: unknown): string {
  if (value === WILDCARD) return value;
  if (typeof value !== 'string' || net.isIP(value) === 0)
    throw invalid(`A host is * or an IP address (got ${JSON.stringify(value ?? null)}).`);
  return value.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}

function checkResourceName(value: unknown, resourceType: AclBinding['resourceType']): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RESOURCE_NAME || value.includes('\0')) {
    throw invalid(`A resource name is 1 to ${MAX_RESOURCE_NAME} characters.`);
  }
  if (resourceType === 'CLUSTER' && value !== CLUSTER_NAME)
    throw invalid(`The only valid name for the CLUSTER resource is ${CLUSTER_NAME}.`);
  return value;
}

/** A binding to create, checked as Kafka's AclControlManager does: concrete types, LITERAL or PREFIXED, ALLOW or DENY. */
export function checkBinding(input: Partial<Record<keyof AclBinding, unknown>>): AclBinding {
  const resourceType = oneOf('The resource type', input.resourceType, RESOURCE_TYPES);
  const patternType = oneOf('The pattern type', input.patternType, PATTERN_TYPES);
  const resourceName = checkResourceName(input.resourceName, resourceType);
  if (patternType === 'PREFIXED' && resourceName === WILDCARD)
    throw invalid('A PREFIXED pattern cannot be *: use LITERAL * for every resource.');
  return {
    resourceType,
    patternType,
    resourceName,
    principal: checkPrincipal(input.principal),
    host: checkHost(input.host ?? WILDCARD),
    operation: oneOf('The operation', input.operation, OPERATIONS),
    permission: oneOf('The permission', input.permission, PERMISSIONS),
  };
}

/** A filter for describe or delete: ANY and null fields match everything; MATCH applies to a resource name. */
export function checkFilter(input: Partial<Record<keyof AclBindingFilter, unknown>>): AclBindingFilter {
  const nullable = (v: unknown) => (v === undefined || v === null || v === '' ? null : v);
  const resourceName = nullable(input.resourceName);
  if (resourceName !== null && typeof resourceName !== 'string') throw invalid('A resource name filter is text.');
  const principal = nullable(input.principal);
  const host = nullable(input.host);
  return {
    resourceType: oneOf('The resource type filter', input.resourceType ?? 'ANY', ['ANY', ...RESOURCE_TYPES]),
    patternType: oneOf('The pattern type filter', input.patternType ?? 'ANY', ['ANY', 'MATCH', ...PATTERN_TYPES]),
    resourceName,
    principal: principal === null ? null : checkPrincipal(principal),
    host: host === null ? null : checkHost(host),
    operation: oneOf('The operation filter', input.operation ?? 'ANY', ['ANY', ...OPERATIONS]),
    permission: oneOf('The permission filter', input.permission ?? 'ANY', ['ANY', ...PERMISSIONS]),
  };
}

/** Kafka's AclBindingFilter.matches. */
export function filterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.resourceType !== 'ANY' && f.resourceType !== b.resourceType) return false;
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== 'ANY' && f.operation !== b.operation) return false;
  if (f.permission !== 'ANY' && f.permission !== b.permission) return false;
  if (f.patternType === 'MATCH') {
    if (f.resourceName === null) return true;
    if (b.patternType === 'PREFIXED') return f.resourceName.startsWith(b.resourceName);
    return b.resourceName === f.resourceName || b.resourceName === WILDCARD;
  }
  if (f.patternType !== 'ANY' && f.patternType !== b.patternType) return false;
  return f.resourceName === null || f.resourceName === b.resourceName;
}

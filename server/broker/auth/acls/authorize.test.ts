import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/server/kernel/auth-types';
import { AclIndex, authorize, rolePreset } from './authorize';
import { type AclBinding, type AclOperation, OPERATIONS, RESOURCE_TYPES, type ResourceType } from './types';
import { checkBinding, checkFilter, filterMatches } from './validate';

const bind = (over: Partial<AclBinding>): AclBinding => ({
  resourceType: 'TOPIC',
  patternType: 'LITERAL',
  resourceName: 'orders',
  principal: 'User:alice',
  host: '*',
  operation: 'READ',
  permission: 'ALLOW',
  ...over,
});
const alice = { name: 'alice', role: 'producer' as Role };
const bob = { name: 'bob', role: 'producer' as Role };

describe('authorize (Kafka semantics, role presets)', () => {
  it('without any binding on the resource, the role decides as before ACLs', () => {
    for (const role of ['viewer', 'producer'] as Role[]) {
      for (const op of OPERATIONS) {
        for (const type of RESOURCE_TYPES) {
          expect(authorize({ name: 'x', role }, null, op, type, 'orders', [])).toBe(rolePreset(role, op, type));
          // A binding on another resource leaves this one to the role too.
          expect(authorize({ name: 'x', role }, null, op, type, 'orders', [bind({ resourceName: 'other' })])).toBe(
            rolePreset(role, op, type),
          );
        }
      }
    }
    expect(rolePreset('viewer', 'WRITE', 'TOPIC')).toBe(false);
    expect(rolePreset('viewer', 'READ', 'GROUP')).toBe(false);
    expect(rolePreset('producer', 'READ', 'GROUP')).toBe(true);
    expect(rolePreset('producer', 'CREATE', 'TOPIC')).toBe(false);
    expect(rolePreset('producer', 'IDEMPOTENT_WRITE', 'CLUSTER')).toBe(true);
  });

  it('once a binding matches the resource, only bindings decide, for every principal', () => {
    const acl = [bind({ principal: 'User:alice', operation: 'WRITE' })];
    expect(authorize(alice, null, 'WRITE', 'TOPIC', 'orders', acl)).toBe(true);
    expect(authorize(bob, null, 'WRITE', 'TOPIC', 'orders', acl)).toBe(false);
    expect(authorize(alice, null, 'READ', 'TOPIC', 'orders', acl)).toBe(false);
  });

  it('admins are super users: no DENY refuses them', () => {
    const acl = [bind({ principal: 'User:*', operation: 'ALL', permission: 'DENY' })];
    expect(authorize({ name: 'root', role: 'admin' }, null, 'DELETE', 'TOPIC', 'orders', acl)).toBe(true);
  });

  it('DENY wins over ALLOW, whichever comes first', () => {
    const allow = bind({ operation: 'READ' });
    const deny = bind({ operation: 'READ', permission: 'DENY' });
    expect(authorize(alice, null, 'READ', 'TOPIC', 'orders', [allow, deny])).toBe(false);
    expect(authorize(alice, null, 'READ', 'TOPIC', 'orders', [deny, allow])).toBe(false);
    // A DENY of ALL refuses everything; a DENY of READ does not refuse DESCRIBE (implication is for ALLOW only).
    expect(
      authorize(alice, null, 'DESCRIBE', 'TOPIC', 'orders', [bind({ operation: 'ALL' }), bind({ operation: 'ALL', permission: 'DENY' })]),
    ).toBe(false);
    expect(authorize(alice, null, 'DESCRIBE', 'TOPIC', 'orders', [allow, deny])).toBe(true);
  });

  it('implied operations: READ, WRITE, DELETE, ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS; ALL covers all', () => {
    for (const op of ['READ', 'WRITE', 'DELETE', 'ALTER'] as AclOperation[]) {
      expect(authorize(alice, null, 'DESCRIBE', 'TOPIC', 'orders', [bind({ operation: op })])).toBe(true);
    }
    expect(authorize(alice, null, 'DESCRIBE', 'TOPIC', 'orders', [bind({ operation: 'CREATE' })])).toBe(false);
    expect(authorize(alice, null, 'DESCRIBE_CONFIGS', 'TOPIC', 'orders', [bind({ operation: 'ALTER_CONFIGS' })])).toBe(true);
    expect(authorize(alice, null, 'DESCRIBE_CONFIGS', 'TOPIC', 'orders', [bind({ operation: 'DESCRIBE' })])).toBe(false);
    expect(authorize(alice, null, 'WRITE', 'TOPIC', 'orders', [bind({ operation: 'READ' })])).toBe(false);
    for (const op of OPERATIONS) expect(authorize(alice, null, op, 'TOPIC', 'orders', [bind({ operation: 'ALL' })])).toBe(true);
  });

  it('PREFIXED patterns match names that start with them; LITERAL * matches every name of its type', () => {
    const prefixed = [bind({ patternType: 'PREFIXED', resourceName: 'orders.', operation: 'WRITE' })];
    expect(authorize(alice, null, 'WRITE', 'TOPIC', 'orders.eu', prefixed)).toBe(true);
    expect(authorize(alice, null, 'WRITE', 'TOPIC', 'orders', prefixed)).toBe(true); // no binding matches "orders": the role
    expect(authorize(bob, null, 'WRITE', 'TOPIC', 'orders.eu', prefixed)).toBe(false);
    const wildcard = [bind({ resourceName: '*', operation: 'READ', permission: 'DENY', principal: 'User:bob' })];
    expect(authorize(bob, null, 'READ', 'TOPIC', 'anything', wildcard)).toBe(false);
    expect(authorize(alice, null, 'READ', 'TOPIC', 'anything', wildcard)).toBe(false); // bound now, and nothing allows alice
    expect(authorize(alice, null, 'READ', 'GROUP', 'anything', wildcard)).toBe(true); // another resource type: the role
  });

  it('User:* matches every principal; a host binding matches that address only (IPv4-mapped counts as IPv4)', () => {
    const acl = [
      bind({ principal: 'User:*', operation: 'READ' }),
      bind({ principal: 'User:bob', host: '10.0.0.9', operation: 'READ', permission: 'DENY' }),
    ];
    expect(authorize(alice, '10.0.0.9', 'READ', 'TOPIC', 'orders', acl)).toBe(true);
    expect(authorize(bob, '10.0.0.8', 'READ', 'TOPIC', 'orders', acl)).toBe(true);
    expect(authorize(bob, '10.0.0.9', 'READ', 'TOPIC', 'orders', acl)).toBe(false);
    expect(authorize(bob, '::ffff:10.0.0.9', 'READ', 'TOPIC', 'orders', acl)).toBe(false);
  });

  const arbBinding = fc.record({
    resourceType: fc.constantFrom<ResourceType>('TOPIC', 'GROUP'),
    patternType: fc.constantFrom<'LITERAL' | 'PREFIXED'>('LITERAL', 'PREFIXED'),
    resourceName: fc.constantFrom('a', 'ab', 'abc', '*', 'b'),
    principal: fc.constantFrom('User:alice', 'User:bob', 'User:*'),
    host: fc.constantFrom('*', '10.0.0.1'),
    operation: fc.constantFrom<AclOperation>(...OPERATIONS),
    permission: fc.constantFrom<'ALLOW' | 'DENY'>('ALLOW', 'DENY'),
  });
  const arbAction = fc.record({
    name: fc.constantFrom('alice', 'bob', 'carol'),
    role: fc.constantFrom<Role>('viewer', 'producer'),
    host: fc.constantFrom('10.0.0.1', '10.0.0.2'),
    op: fc.constantFrom<AclOperation>(...OPERATIONS.filter((o) => o !== 'ALL')),
    type: fc.constantFrom<ResourceType>('TOPIC', 'GROUP'),
    resource: fc.constantFrom('a', 'ab', 'abc', 'b', 'c'),
  });

  it('property: adding a DENY for the caller never grants; adding an ALLOW for the caller never refuses an allowed action', () => {
    fc.assert(
      fc.property(fc.array(arbBinding, { maxLength: 8 }), arbAction, (bindings, a) => {
        const before = authorize({ name: a.name, role: a.role }, a.host, a.op, a.type, a.resource, bindings);
        const exact = {
          resourceType: a.type,
          patternType: 'LITERAL' as const,
          resourceName: a.resource,
          principal: `User:${a.name}`,
          host: '*',
        };
        const denied = [...bindings, { ...exact, operation: a.op, permission: 'DENY' as const }];
        expect(authorize({ name: a.name, role: a.role }, a.host, a.op, a.type, a.resource, denied)).toBe(false);
        const allowed = [...bindings, { ...exact, operation: a.op, permission: 'ALLOW' as const }];
        const hasDeny = bindings.some(
          (b) =>
            b.permission === 'DENY' &&
            b.resourceType === a.type &&
            (b.patternType === 'PREFIXED'
              ? a.resource.startsWith(b.resourceName)
              : b.resourceName === a.resource || b.resourceName === '*') &&
            (b.principal === `User:${a.name}` || b.principal === 'User:*') &&
            (b.host === '*' || b.host === a.host) &&
            (b.operation === 'ALL' || b.operation === a.op),
        );
        expect(authorize({ name: a.name, role: a.role }, a.host, a.op, a.type, a.resource, allowed)).toBe(!hasDeny);
        if (before) expect(hasDeny).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('property: the index finds exactly the bindings whose pattern covers a name, and binding order does not matter', () => {
    fc.assert(
      fc.property(fc.array(arbBinding, { maxLength: 10 }), arbAction, (bindings, a) => {
        const covers = (b: AclBinding) =>
          b.resourceType === a.type &&
          (b.patternType === 'PREFIXED' ? a.resource.startsWith(b.resourceName) : b.resourceName === a.resource || b.resourceName === '*');
        expect(new AclIndex(bindings).matching(a.type, a.resource).length).toBe(bindings.filter(covers).length);
        const subject = { name: a.name, role: a.role };
        expect(authorize(subject, a.host, a.op, a.type, a.resource, [...bindings].reverse())).toBe(
          authorize(subject, a.host, a.op, a.type, a.resource, bindings),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('binding and filter validation (Kafka error names)', () => {
  const valid = {
    resourceType: 'TOPIC',
    patternType: 'LITERAL',
    resourceName: 't',
    principal: 'User:alice',
    host: '*',
    operation: 'READ',
    permission: 'ALLOW',
  };
  it('accepts a valid binding and refuses bad ones with INVALID_REQUEST', () => {
    expect(checkBinding(valid)).toEqual(valid);
    expect(checkBinding({ ...valid, host: '::ffff:10.1.2.3' }).host).toBe('10.1.2.3');
    const bad: Record<string, unknown>[] = [
      { resourceType: 'ANY' },
      { resourceType: 'USER' },
      { patternType: 'MATCH' },
      { patternType: 'ANY' },
      { resourceName: '' },
      { resourceType: 'CLUSTER', resourceName: 'other' },
      { patternType: 'PREFIXED', resourceName: '*' },
      { principal: 'alice' },
      { principal: 'Group:x' },
      { principal: 'User:bad name' },
      { host: 'example.com' },
      { operation: 'ANY' },
      { operation: 'FLY' },
      { permission: 'ANY' },
    ];
    for (const over of bad) {
      expect(() => checkBinding({ ...valid, ...over }), JSON.stringify(over)).toThrow(
        expect.objectContaining({ kafkaName: 'INVALID_REQUEST' }),
      );
    }
  });

  it('filters follow AclBindingFilter: ANY, MATCH, exact', () => {
    const lit = bind({ resourceName: 'orders' });
    const star = bind({ resourceName: '*' });
    const pre = bind({ patternType: 'PREFIXED', resourceName: 'ord' });
    const all = [lit, star, pre];
    const f = (over: Record<string, unknown>) => all.filter((b) => filterMatches(checkFilter(over), b));
    expect(f({})).toEqual(all);
    expect(f({ patternType: 'MATCH', resourceName: 'orders' })).toEqual(all);
    expect(f({ patternType: 'MATCH', resourceName: 'other' })).toEqual([star]);
    expect(f({ patternType: 'ANY', resourceName: 'orders' })).toEqual([lit]);
    expect(f({ patternType: 'PREFIXED' })).toEqual([pre]);
    expect(f({ resourceType: 'GROUP' })).toEqual([]);
    expect(f({ principal: 'User:bob' })).toEqual([]);
    expect(() => checkFilter({ patternType: 'SOME' })).toThrow(expect.objectContaining({ kafkaName: 'INVALID_REQUEST' }));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase } from '@/db/testing';
import { Auth } from '@/server/broker/auth';
import { parseArgs, run } from './brook';

describe('npm run brook -- acls (pglite)', () => {
  let db: Database;
  let auth: Auth;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    auth = new Auth(db, Date.now, { mode: 'on' });
  });
  afterAll(async () => {
    await db?.close();
  });
  const brook = (...argv: string[]) => run(auth, parseArgs(argv));

  it('adds, lists (all, or those applying to a resource) and removes bindings, audited as the CLI', async () => {
    expect(await brook('acls', 'list')).toBe('No ACL bindings.');
    expect(await brook('acls', 'add', 'deny', 'User:ci', 'read', 'topic:payments')).toBe('Binding added.');
    expect(await brook('acls', 'add', 'allow', 'User:*', 'idempotent-write', 'cluster')).toBe('Binding added.');
    expect(await brook('acls', 'add', 'allow', 'User:*', 'write', 'topic:orders.', '--prefixed', '--host', '10.0.0.1')).toBe(
      'Binding added.',
    );
    expect((await brook('acls', 'list')).split('\n')).toHaveLength(3);
    expect(await brook('acls', 'list', 'topic:orders.eu')).toBe('ALLOW  User:*  WRITE  TOPIC:PREFIXED:orders.  10.0.0.1');
    expect(await brook('acls', 'remove', 'deny', 'User:ci', 'read', 'topic:payments')).toMatch(/^Removed: DENY {2}User:ci/);
    expect(await brook('acls', 'remove', 'deny', 'User:ci', 'read', 'topic:payments')).toBe('No such binding.');
    const audit = await auth.audit.list({ action: 'acls.create' });
    expect(audit[0].actor).toMatch(/^cli:/);
  });

  it('refuses bad input with the usage or Kafka reason, changing nothing', async () => {
    const before = await brook('acls', 'list');
    await expect(brook('acls', 'add', 'deny', 'bob', 'read', 'topic:x')).rejects.toMatchObject({ kafkaName: 'INVALID_REQUEST' });
    await expect(brook('acls', 'add', 'deny', 'User:bob', 'read', 'queue:x')).rejects.toThrow(/a resource is topic:/);
    await expect(brook('acls', 'add', 'deny', 'User:bob')).rejects.toThrow(/usage/);
    await expect(brook('acls', 'frobnicate')).rejects.toThrow(/acls list/);
    expect(await brook('acls', 'list')).toBe(before);
  });
});

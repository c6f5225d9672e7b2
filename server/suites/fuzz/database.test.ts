import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroker } from '@/server/broker';
import { digestDiff, type FuzzDatabase, openFuzzDatabase, StateDigest } from './database';

/** The fuzzer's "database unchanged" oracle: what it must see, and what auth's bookkeeping may write. */
describe('StateDigest', () => {
  let fuzzDb: FuzzDatabase;
  beforeAll(async () => {
    fuzzDb = await openFuzzDatabase(undefined);
  });
  afterAll(() => fuzzDb.drop());

  it('changes with an insert, an update to the same values, a delete and DDL; not with a rollback or a read', async () => {
    const { db } = fuzzDb;
    const broker = createBroker(db);
    const digest = new StateDigest(db);
    let before = await digest.take();
    await db.query(`SELECT * FROM topics`);
    const rolledBack = await db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO topics (name, partition_count) VALUES ('rolled-back', 1)`);
        throw new Error('roll back');
      })
      .catch((err: Error) => err.message);
    expect(rolledBack).toBe('roll back'); // the insert itself worked
    expect(await digest.take()).toBe(before);

    await broker.createTopic({ name: 'digest', partitions: 1 }); // rows and a child table
    let after = await digest.take();
    expect(digestDiff(before, after)).toMatch(/public\.topics \(rows 0 → 1\).*relations/);
    before = after;
    await db.query(`UPDATE topics SET name = name`);
    after = await digest.take();
    expect(digestDiff(before, after)).toBe('public.topics (rows 1 → 1)');
    before = after;
    await broker.deleteTopic('digest');
    expect(await digest.take()).not.toBe(before);
  });

  it("ignores the audit log and a token's last use, not the token itself", async () => {
    const { db } = fuzzDb;
    const broker = createBroker(db, { auth: { mode: 'on' } });
    const digest = new StateDigest(db);
    const actor = { principal: broker.auth.anonymous(), address: null };
    const { token } = await broker.auth.tokens.create({ name: 'digest-token', role: 'viewer' }, actor);
    const before = await digest.take();
    await broker.auth.audit.record({
      actor: 'x',
      actorKind: 'unknown',
      action: 'topics.delete',
      target: 't',
      address: null,
      outcome: 'denied',
      details: null,
    });
    expect(await broker.auth.bearer(token)).not.toBeNull(); // writes last_used_at
    expect(await db.query(`SELECT 1 FROM api_tokens WHERE last_used_at IS NOT NULL`)).toHaveLength(1);
    expect(await digest.take()).toBe(before);
    await broker.auth.tokens.revoke('digest-token', actor);
    expect(digestDiff(before, await digest.take())).toBe('public.api_tokens (rows 1 → 1)');
  });
});

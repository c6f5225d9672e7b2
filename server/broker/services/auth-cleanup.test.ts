import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, uniqueName } from '@/db/testing';
import { createBroker } from '../index';
import { until } from '../testing';
import { type Services, startServices } from './index';

describe('the auth cleanup loop', () => {
  let db: Database;
  let services: Services;
  let clock = Date.UTC(1990, 0, 1);
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
  });
  afterAll(async () => {
    await services?.stop();
    await db?.close();
  });

  it('prunes the audit log past its retention, beside the other loops', async () => {
    const broker = createBroker(db, { now: () => clock, auth: { mode: 'on', auditRetentionMs: 60_000 } });
    const actor = uniqueName('loop');
    await broker.auth.audit.record({
      actor,
      actorKind: 'user',
      action: 'test.old',
      target: null,
      address: null,
      outcome: 'ok',
      details: null,
    });
    clock += 60_001;
    await broker.auth.audit.record({
      actor,
      actorKind: 'user',
      action: 'test.new',
      target: null,
      address: null,
      outcome: 'ok',
      details: null,
    });
    services = startServices(broker, { authCleanupMs: 100 });
    await until(async () => (await broker.auth.audit.list({ actor })).length === 1, 'the old entry pruned');
    expect((await broker.auth.audit.list({ actor })).map((e) => e.action)).toEqual(['test.new']);
  });
});

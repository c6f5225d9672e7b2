import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase } from '@/db/testing';
import { createBroker } from '@/server/broker';
import type { AuthMode } from '@/server/kernel/auth-types';
import { parseEnv } from './env';
import { brokerOptions, prepareAuth } from './runtime';

describe('auth at start-up', () => {
  let db: Database | null = null;
  afterEach(async () => {
    await db?.close();
    db = null;
  });

  async function start(mode: AuthMode, adminPassword?: string) {
    db ??= await openTestDatabase('pglite');
    const broker = createBroker(db, { auth: { mode } });
    const lines: string[] = [];
    const out = { log: (l: string) => lines.push(l), warn: (l: string) => lines.push(`WARN ${l}`) };
    await prepareAuth(broker, adminPassword, out);
    return { broker, text: lines.join('\n') };
  }

  it('fills the auth options from the environment', () => {
    const options = brokerOptions(
      parseEnv({ BROOK_AUTH: 'on', BROOK_SESSION_HOURS: '3', BROOK_HIDE_PAYLOADS: 'viewer,producer', BROOK_AUDIT_RETENTION_DAYS: '7' }),
    );
    expect(options.auth).toEqual({
      mode: 'on',
      sessionTtlMs: 3 * 3_600_000,
      hidePayloadRoles: ['viewer', 'producer'],
      auditRetentionMs: 7 * 86_400_000,
    });
    expect(brokerOptions(parseEnv({})).auth?.mode).toBe('off');
  });

  it('mode on without users: says how to create the first admin; BROOK_ADMIN_PASSWORD creates it, never logged', async () => {
    const empty = await start('on');
    expect(empty.text).toMatch(/auth on/);
    expect(empty.text).toMatch(/no users yet: set BROOK_ADMIN_PASSWORD .*`npm run brook -- users add/);
    const withAdmin = await start('on', 'the admin password');
    expect(withAdmin.text).toMatch(/user admin \(BROOK_ADMIN_PASSWORD\): created/);
    expect(withAdmin.text).not.toMatch(/no users yet/);
    expect(withAdmin.text).not.toContain('the admin password');
    expect((await start('on', 'the admin password')).text).toMatch(/: unchanged/);
  });

  it('mode none: one loud multi-line warning', async () => {
    const { text } = await start('none');
    expect(text).toMatch(/^WARN .*BROOK_AUTH=none.*\n.*anyone who can reach/s);
  });
});

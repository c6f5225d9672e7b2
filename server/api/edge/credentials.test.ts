import { describe, expect, it } from 'vitest';
import type { Broker } from '@/server/broker';
import { expectKafkaError, testBroker } from '@/server/broker/testing';
import type { Principal } from '@/server/kernel/auth-types';
import { bearerToken, RECHECK_MS, readCookie, recheckCredentials, requestContext } from './credentials';

const ADMIN_ACTOR = {
  principal: { kind: 'anonymous', name: 'test-setup', role: 'admin', hidePayloads: false } as Principal,
  address: null,
};
const facts = { address: '10.0.0.1', secure: false, clientHost: '' };

describe('credentials on a request', () => {
  it('reads the session cookie among others, and only a well-formed Bearer header', () => {
    expect(readCookie('a=1; brook_session=abc_-9; b=2', 'brook_session')).toBe('abc_-9');
    expect(readCookie('xbrook_session=abc', 'brook_session')).toBeNull();
    expect(readCookie(null, 'brook_session')).toBeNull();
    expect(bearerToken(new Headers({ authorization: 'Bearer brook_x' }))).toBe('brook_x');
    expect(bearerToken(new Headers({ authorization: 'bearer  brook_x ' }))).toBe('brook_x');
    // Another scheme, or a token with spaces: presented and refused, not ignored.
    expect(bearerToken(new Headers({ authorization: 'Basic YTpi' }))).toBe('');
    expect(bearerToken(new Headers({ authorization: 'Bearer a b' }))).toBe('');
    expect(bearerToken(new Headers())).toBeNull();
  });
});

describe('a long stream checks its credentials again (pglite, auth on)', () => {
  let broker: Broker;
  testBroker(
    'pglite',
    (env) => {
      broker = env.broker;
    },
    { auth: { mode: 'on' } },
  );

  it('ends once its token is revoked, at the next check (at most RECHECK_MS later), and not before', async () => {
    const { token } = await broker.auth.tokens.create({ name: 'streamer', role: 'viewer' }, ADMIN_ACTOR);
    const ctx = await requestContext(broker, new Headers({ authorization: `Bearer ${token}` }), facts, new Headers());
    expect(ctx.principal).toMatchObject({ name: 'streamer', role: 'viewer' });
    let now = 1_000_000;
    const recheck = recheckCredentials(ctx, 'read', () => now);
    now += RECHECK_MS;
    await recheck(); // still valid
    await broker.auth.tokens.revoke('streamer', ADMIN_ACTOR);
    now += RECHECK_MS - 1;
    await recheck(); // not looked up again yet
    now += 1;
    await expectKafkaError(recheck(), 'SASL_AUTHENTICATION_FAILED');
  });

  it('ends when the role no longer allows it, and never checks the anonymous admin of auth off', async () => {
    const { token } = await broker.auth.tokens.create({ name: 'reader', role: 'viewer' }, ADMIN_ACTOR);
    const ctx = await requestContext(broker, new Headers({ authorization: `Bearer ${token}` }), facts, new Headers());
    let now = 0;
    const recheck = recheckCredentials(ctx, 'write', () => now);
    now += RECHECK_MS;
    await expectKafkaError(recheck(), 'SASL_AUTHENTICATION_FAILED');
    const open = recheckCredentials({ ...ctx, authMode: 'off', principal: broker.auth.anonymous() }, 'admin', () => now);
    now += 10 * RECHECK_MS;
    await open();
  });
});

describe('a long stream ends when its role starts hiding payloads (pglite, auth on, BROOK_HIDE_PAYLOADS=viewer)', () => {
  let broker: Broker;
  testBroker(
    'pglite',
    (env) => {
      broker = env.broker;
    },
    { auth: { mode: 'on', hidePayloadRoles: ['viewer'] } },
  );

  it('a producer demoted to viewer: its stream, opened with payloads shown, ends at the next check', async () => {
    await broker.auth.users.add({ name: 'demoted', password: 'a long password', role: 'producer' }, ADMIN_ACTOR);
    const { session } = await broker.auth.login({ username: 'demoted', password: 'a long password', address: null });
    const ctx = await requestContext(broker, new Headers({ cookie: `brook_session=${session}` }), facts, new Headers());
    expect(ctx.principal).toMatchObject({ name: 'demoted', hidePayloads: false });
    let now = 0;
    const recheck = recheckCredentials(ctx, 'read', () => now);
    now += RECHECK_MS;
    await recheck(); // still a producer: payloads shown, as when it opened
    await broker.auth.users.setRole('demoted', 'viewer', ADMIN_ACTOR);
    now += RECHECK_MS;
    await expectKafkaError(recheck(), 'SASL_AUTHENTICATION_FAILED');
  });
});

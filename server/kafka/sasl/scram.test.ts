import { describe, expect, it } from 'vitest';
import { scramCredential } from '@/server/broker/auth/scram';
import { isBrokerError } from '@/server/broker/errors';
import type { Principal, ScramMechanism } from '@/server/kernel/auth-types';
import { decodeSaslName, encodeSaslName, type ScramLookup, ScramServer } from './scram';
import { ScramClient } from './scram-client';

const alice: Principal = { kind: 'user', name: 'user', role: 'producer', hidePayloads: false };

function store(mechanism: ScramMechanism, users: Record<string, { password: string; salt: Buffer }>): ScramLookup {
  return async (name) => {
    const u = users[name];
    if (!u) return null;
    return { credential: await scramCredential(mechanism, u.password, u.salt), principal: { ...alice, name } };
  };
}

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (isBrokerError(err)) return { name: err.kafkaName, message: err.message };
    throw err;
  }
  throw new Error('expected a failure');
}

describe('SCRAM server state machine', () => {
  // RFC 7677 section 3: user "user", password "pencil", fixed nonces and salt.
  const rfcSalt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  const serverNonce = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';

  it('runs the RFC 7677 SCRAM-SHA-256 example exchange byte for byte', async () => {
    const server = new ScramServer('SCRAM-SHA-256', store('SCRAM-SHA-256', { user: { password: 'pencil', salt: rfcSalt } }), serverNonce);
    const first = await server.step(Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    expect(first.response.toString()).toBe('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    expect(first.principal).toBeUndefined();
    const final = await server.step(
      Buffer.from('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='),
    );
    expect(final.response.toString()).toBe('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    expect(final.principal).toEqual({ ...alice, name: 'user' });
  });

  it('the test client computes the RFC 7677 client-final message (so it can stand in for real clients)', async () => {
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(client.first().toString()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = client.final(Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'));
    expect(final.toString()).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(client.verifyServer(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).toBe(true);
    expect(client.verifyServer(Buffer.from('v=AAAA'))).toBe(false);
  });

  it.each(['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const)(
    '%s: the right password authenticates and the server proves itself',
    async (mechanism) => {
      const server = new ScramServer(
        mechanism,
        store(mechanism, { 'a,b=c': { password: 'correct horse', salt: Buffer.from('0123456789abcdef') } }),
      );
      const client = new ScramClient(mechanism, 'a,b=c', 'correct horse');
      const first = await server.step(client.first());
      expect(server.user).toBe('a,b=c');
      const final = await server.step(client.final(first.response));
      expect(final.principal?.name).toBe('a,b=c');
      expect(client.verifyServer(final.response)).toBe(true);
    },
  );

  it.each(['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const)('%s: a wrong password and an unknown user fail alike', async (mechanism) => {
    const lookup = store(mechanism, { bob: { password: 'right password', salt: Buffer.from('saltsaltsaltsalt') } });
    const wrong = new ScramServer(mechanism, lookup);
    const c1 = new ScramClient(mechanism, 'bob', 'wrong password');
    const f1 = await failure(wrong.step(c1.final((await wrong.step(c1.first())).response)));
    const unknown = new ScramServer(mechanism, lookup);
    const c2 = new ScramClient(mechanism, 'nobody', 'whatever');
    const serverFirst = (await unknown.step(c2.first())).response.toString();
    expect(serverFirst).toMatch(/^r=[^,]+,s=[A-Za-z0-9+/=]+,i=4096$/);
    // The made-up salt is stable per name, as a real one is: asking twice does not reveal the name is unknown.
    const again = new ScramServer(mechanism, lookup);
    const saltOf = (s: string) => s.split(',')[1];
    expect(saltOf((await again.step(new ScramClient(mechanism, 'nobody', 'x').first())).response.toString())).toBe(saltOf(serverFirst));
    const f2 = await failure(unknown.step(c2.final(Buffer.from(serverFirst))));
    expect(f1).toEqual(f2);
    expect(f1).toEqual({
      name: 'SASL_AUTHENTICATION_FAILED',
      message: `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`,
    });
  });

  it('refuses malformed and out-of-order messages, and is spent after a failure', async () => {
    const lookup = store('SCRAM-SHA-256', { user: { password: 'pencil', salt: Buffer.from('x') } });
    const cases = [
      'n=user,r=abc', // no gs2 header
      'p=tls-unique,,n=user,r=abc', // channel binding
      'n,,m=ext,n=user,r=abc', // mandatory extension
      'n,,n=us=er,r=abc', // bad saslname escape
      'n,,n=,r=abc',
      'n,,r=abc,n=user',
      'n,a=other,n=user,r=abc', // authzid of someone else
      `n,,n=user,r=${'a'.repeat(5000)}`,
    ];
    for (const text of cases) {
      const err = await failure(new ScramServer('SCRAM-SHA-256', lookup).step(Buffer.from(text)));
      expect(err.name, text).toBe('SASL_AUTHENTICATION_FAILED');
    }
    const server = new ScramServer('SCRAM-SHA-256', lookup);
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil');
    const first = await server.step(client.first());
    const good = client.final(first.response).toString();
    const tampered = good.replace(/,r=[^,]+/, ',r=someoneelsesnonce');
    expect((await failure(server.step(Buffer.from(tampered)))).message).toMatch(/nonce/);
    // Spent: even the right final message is refused now.
    expect((await failure(server.step(Buffer.from(good)))).name).toBe('ILLEGAL_SASL_STATE');
    const bad = new ScramServer('SCRAM-SHA-256', lookup);
    await bad.step(Buffer.from('n,,n=user,r=abc'));
    expect((await failure(bad.step(Buffer.from('c=eSws,r=abc,p=AAAA')))).message).toMatch(/channel binding/);
  });

  it("accepts librdkafka's final nonce (its own nonce again in front of the combined one), as Kafka does", async () => {
    const lookup = store('SCRAM-SHA-256', { user: { password: 'pencil', salt: rfcSalt } });
    const server = new ScramServer('SCRAM-SHA-256', lookup, serverNonce);
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    const first = await server.step(client.first());
    // What librdkafka 2.0 sends: r=<client nonce><client nonce><server nonce>, proof over that very text.
    const final = await server.step(client.final(first.response, (combined) => `rOprNGfwEbeRWgbNEkqO${combined}`));
    expect(final.principal?.name).toBe('user');
    expect(client.verifyServer(final.response)).toBe(true);
  });

  it('accepts an authzid naming the user itself (what some clients send)', async () => {
    const lookup = store('SCRAM-SHA-256', { user: { password: 'pencil', salt: Buffer.from('x') } });
    const server = new ScramServer('SCRAM-SHA-256', lookup, 'SNONCE');
    const first = await server.step(Buffer.from('n,a=user,n=user,r=CNONCE'));
    expect(first.response.toString()).toMatch(/^r=CNONCESNONCE,/);
  });

  it('saslname escaping round-trips', () => {
    expect(encodeSaslName('a,b=c')).toBe('a=2Cb=3Dc');
    expect(decodeSaslName('a=2Cb=3Dc')).toBe('a,b=c');
    expect(decodeSaslName('a=2')).toBeNull();
  });
});

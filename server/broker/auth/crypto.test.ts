import { describe, expect, it } from 'vitest';
import { hashPassword, verifyNobody, verifyPassword } from './passwords';
import { clientProof, SCRAM_ITERATIONS, scramCredential, serverSignature, verifyClientProof } from './scram';
import { newSessionSecret, newToken, secretHash } from './secrets';

describe('password hashing (scrypt)', () => {
  it('verifies the password it hashed and refuses any other, with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'not-a-hash')).toBe(false);
    expect(await verifyNobody('correct horse battery')).toBe(false);
  });
});

describe('SCRAM credentials (RFC 5802, RFC 7677)', () => {
  // RFC 7677 section 3: user "user", password "pencil", SCRAM-SHA-256.
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  const clientFirstBare = 'n=user,r=rOprNGfwEbeRWgbNEkqO';
  const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
  const clientFinalWithoutProof = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
  const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;

  it("reproduces RFC 7677's SCRAM-SHA-256 exchange: the client's proof verifies and the server's signature matches", async () => {
    const credential = await scramCredential('SCRAM-SHA-256', 'pencil', salt, 4096);
    const proof = await clientProof('SCRAM-SHA-256', 'pencil', salt, 4096, authMessage);
    expect(proof.toString('base64')).toBe('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(verifyClientProof('SCRAM-SHA-256', credential, authMessage, proof)).toBe(true);
    expect(serverSignature('SCRAM-SHA-256', credential, authMessage).toString('base64')).toBe(
      '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );
    const wrong = await clientProof('SCRAM-SHA-256', 'pencil!', salt, 4096, authMessage);
    expect(verifyClientProof('SCRAM-SHA-256', credential, authMessage, wrong)).toBe(false);
    expect(verifyClientProof('SCRAM-SHA-256', credential, authMessage, proof.subarray(1))).toBe(false);
  });

  it('SCRAM-SHA-512: 4096 iterations, a random salt, a proof that verifies only with the right password', async () => {
    const credential = await scramCredential('SCRAM-SHA-512', 's3cret-password');
    expect(credential.iterations).toBe(SCRAM_ITERATIONS);
    expect(SCRAM_ITERATIONS).toBe(4096);
    expect(credential.storedKey).toHaveLength(64);
    expect(credential.serverKey).toHaveLength(64);
    const message = 'n=alice,r=abc,r=abcdef,s=c2FsdA==,i=4096,c=biws,r=abcdef';
    const good = await clientProof('SCRAM-SHA-512', 's3cret-password', credential.salt, 4096, message);
    const bad = await clientProof('SCRAM-SHA-512', 's3cret-passwore', credential.salt, 4096, message);
    expect(verifyClientProof('SCRAM-SHA-512', credential, message, good)).toBe(true);
    expect(verifyClientProof('SCRAM-SHA-512', credential, message, bad)).toBe(false);
  });
});

describe('secrets', () => {
  it('tokens are brook_ and 43 base64url characters, sessions 256 random bits, stored as SHA-256', () => {
    const t = newToken();
    expect(t).toMatch(/^brook_[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(t);
    expect(newSessionSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secretHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

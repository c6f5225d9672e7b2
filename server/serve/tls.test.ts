import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificate, type TestCertificate } from './test-certificate';
import { describeTls, loadTls, TlsConfigError } from './tls';

/** BROOK_TLS_CERT/BROOK_TLS_KEY checks: both or neither, readable, PEM, key matching the certificate; no key text in errors. */
let c: TestCertificate;
beforeAll(() => {
  c = makeTestCertificate();
});
afterAll(() => c?.remove());

function failure(env: { BROOK_TLS_CERT?: string; BROOK_TLS_KEY?: string }): string {
  try {
    loadTls(env);
  } catch (err) {
    expect(err).toBeInstanceOf(TlsConfigError);
    const message = (err as Error).message;
    // Whatever went wrong, no part of a private key is quoted.
    for (const key of [c.key, fs.readFileSync(c.strayKeyPath, 'utf8')])
      for (const line of key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(message).not.toContain(line);
    return message;
  }
  throw new Error('loadTls accepted it');
}

describe('loadTls', () => {
  it('neither variable: no TLS', () => {
    expect(loadTls({})).toBeNull();
  });

  it('a certificate and its key: the PEM bytes, subject and expiry', () => {
    const m = loadTls({ BROOK_TLS_CERT: c.certPath, BROOK_TLS_KEY: c.keyPath });
    expect(m?.cert.toString()).toBe(c.cert);
    expect(m?.key.toString()).toBe(c.key);
    expect(m?.subject).toBe('CN=localhost');
    expect(m?.validTo.getTime()).toBeGreaterThan(Date.parse('2000-01-01'));
  });

  it('only one of the two: an error naming both', () => {
    expect(failure({ BROOK_TLS_CERT: c.certPath })).toBe(
      'BROOK_TLS_CERT is set but BROOK_TLS_KEY is not: TLS needs both the certificate and its private key (or neither)',
    );
    expect(failure({ BROOK_TLS_KEY: c.keyPath })).toMatch(/^BROOK_TLS_KEY is set but BROOK_TLS_CERT is not/);
  });

  it('a key of another certificate: refused, naming the variables, not the key', () => {
    expect(failure({ BROOK_TLS_CERT: c.certPath, BROOK_TLS_KEY: c.strayKeyPath })).toBe(
      `BROOK_TLS_KEY (${c.strayKeyPath}) does not match the certificate in BROOK_TLS_CERT (${c.certPath})`,
    );
  });

  it('missing files, a directory, files swapped, garbage: each names its variable and file', () => {
    const missing = path.join(c.dir, 'nope.pem');
    expect(failure({ BROOK_TLS_CERT: missing, BROOK_TLS_KEY: c.keyPath })).toBe(`BROOK_TLS_CERT (${missing}) cannot be read: no such file`);
    expect(failure({ BROOK_TLS_CERT: c.certPath, BROOK_TLS_KEY: c.dir })).toBe(`BROOK_TLS_KEY (${c.dir}) cannot be read: a directory`);
    // The key given as the certificate, and the other way round.
    expect(failure({ BROOK_TLS_CERT: c.keyPath, BROOK_TLS_KEY: c.certPath })).toMatch(/^BROOK_TLS_CERT \(.*\) is not a PEM certificate/);
    expect(failure({ BROOK_TLS_CERT: c.certPath, BROOK_TLS_KEY: c.caPath })).toMatch(/^BROOK_TLS_KEY \(.*\) is not a PEM private key/);
    const garbage = path.join(c.dir, 'garbage.pem');
    fs.writeFileSync(garbage, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    expect(failure({ BROOK_TLS_CERT: c.certPath, BROOK_TLS_KEY: garbage })).toMatch(/^BROOK_TLS_KEY \(.*\) is not a PEM private key/);
  });

  it('an encrypted key: says a passphrase-free key is needed', () => {
    const encrypted = path.join(c.dir, 'encrypted.key');
    const r = spawnSync('openssl', ['pkey', '-in', c.keyPath, '-aes256', '-passout', 'pass:secret-pass', '-out', encrypted]);
    expect(r.status).toBe(0);
    expect(failure({ BROOK_TLS_CERT: c.certPath, BROOK_TLS_KEY: encrypted })).toMatch(/is encrypted with a passphrase/);
    // The traditional form (BEGIN EC PRIVATE KEY with a Proc-Type header).
    const traditional = path.join(c.dir, 'encrypted-ec.key');
    expect(spawnSync('openssl', ['ec', '-in', c.keyPath, '-aes256', '-passout', 'pass:secret-pass', '-out', traditional]).status).toBe(0);
    expect(fs.readFileSync(traditional, 'utf8')).toContain('Proc-Type: 4,ENCRYPTED');
    expect(failure({ BROOK_TLS_CERT: c.certPath, BROOK_TLS_KEY: traditional })).toMatch(/is encrypted with a passphrase/);
  });

  // Root reads any file whatever its mode.
  it.skipIf(process.getuid?.() === 0)('an unreadable file (permissions)', () => {
    const locked = path.join(c.dir, 'locked.key');
    fs.copyFileSync(c.keyPath, locked);
    fs.chmodSync(locked, 0o000);
    expect(failure({ BROOK_TLS_CERT: c.certPath, BROOK_TLS_KEY: locked })).toBe(
      `BROOK_TLS_KEY (${locked}) cannot be read: permission denied`,
    );
  });

  it('the start-up line, and an expired certificate said loudly', () => {
    const m = loadTls({ BROOK_TLS_CERT: c.certPath, BROOK_TLS_KEY: c.keyPath });
    if (!m) throw new Error('no material');
    expect(describeTls(m, new Date(m.validTo.getTime() - 1000))).toMatch(
      /^\[brook\] TLS: https and the Kafka listener with the certificate CN=localhost \(valid until \d{4}-\d\d-\d\d\)$/,
    );
    expect(describeTls(m, new Date(m.validTo.getTime() + 1000))).toMatch(
      /^\[brook\] WARNING: the TLS certificate \(CN=localhost\) expired on /,
    );
  });
});

import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import type { BrookEnv } from '@/server/env';

/**
 * BROOK_TLS_CERT and BROOK_TLS_KEY: read, checked and turned into what https.createServer and
 * tls.createServer take. Every problem stops start-up with a message naming the variable and the file,
 * never the key's content (nor OpenSSL's text about it, which may quote it).
 */

export interface TlsMaterial {
  /** PEM: the certificate, then any intermediates. */
  cert: Buffer;
  key: Buffer;
  /** For the start-up log line: the leaf's subject and expiry. */
  subject: string;
  validTo: Date;
}

export class TlsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsConfigError';
  }
}

type TlsPaths = Pick<BrookEnv, 'BROOK_TLS_CERT' | 'BROOK_TLS_KEY'>;

/** Null without TLS (neither variable set); throws TlsConfigError if only one is set or a file is unusable. */
export function loadTls(env: TlsPaths): TlsMaterial | null {
  const certPath = env.BROOK_TLS_CERT;
  const keyPath = env.BROOK_TLS_KEY;
  if (!certPath && !keyPath) return null;
  if (!certPath || !keyPath) {
    const [set, unset] = certPath ? ['BROOK_TLS_CERT', 'BROOK_TLS_KEY'] : ['BROOK_TLS_KEY', 'BROOK_TLS_CERT'];
    throw new TlsConfigError(`${set} is set but ${unset} is not: TLS needs both the certificate and its private key (or neither)`);
  }
  const cert = readPem('BROOK_TLS_CERT', certPath);
  const key = readPem('BROOK_TLS_KEY', keyPath);

  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch {
    throw new TlsConfigError(`BROOK_TLS_CERT (${certPath}) is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    // PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY) or a traditional key's Proc-Type header; OpenSSL's error does not say so.
    const text = key.toString('latin1');
    const encrypted = text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /^Proc-Type: 4,ENCRYPTED/m.test(text);
    throw new TlsConfigError(
      encrypted
        ? `BROOK_TLS_KEY (${keyPath}) is encrypted with a passphrase: Brook needs an unencrypted private key (readable by its user only)`
        : `BROOK_TLS_KEY (${keyPath}) is not a PEM private key (expected -----BEGIN PRIVATE KEY----- or similar)`,
    );
  }
  if (!leaf.checkPrivateKey(privateKey))
    throw new TlsConfigError(`BROOK_TLS_KEY (${keyPath}) does not match the certificate in BROOK_TLS_CERT (${certPath})`);
  try {
    // What the servers will do with them: any other problem (an unsupported key type) shows here, not at the first client.
    tls.createSecureContext({ cert, key });
  } catch {
    throw new TlsConfigError(`BROOK_TLS_CERT (${certPath}) and BROOK_TLS_KEY (${keyPath}) cannot be used together for TLS`);
  }
  return { cert, key, subject: leaf.subject.replace(/\n/g, ', '), validTo: new Date(leaf.validTo) };
}

function readPem(variable: 'BROOK_TLS_CERT' | 'BROOK_TLS_KEY', file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'a directory'
            : (code ?? 'unreadable');
    throw new TlsConfigError(`${variable} (${file}) cannot be read: ${why}`);
  }
}

/** The start-up line: what is served and until when; a certificate past its date is said loudly (clients will refuse it). */
export function describeTls(material: TlsMaterial, now = new Date()): string {
  const expiry = material.validTo.toISOString().slice(0, 10);
  if (material.validTo.getTime() <= now.getTime())
    return `[brook] WARNING: the TLS certificate (${material.subject}) expired on ${expiry}: clients will refuse it`;
  return `[brook] TLS: https and the Kafka listener with the certificate ${material.subject} (valid until ${expiry})`;
}

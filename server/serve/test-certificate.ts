import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';

/**
 * Test support: a private CA and a server certificate it signed (subjectAltName IP:127.0.0.1 and
 * DNS:localhost, 2 days), made with the openssl CLI into a temp folder. Clients trust `caPath`/`ca`
 * (node's `ca`, kafkajs's `ssl.ca`, kcat's `ssl.ca.location`); the server takes `certPath` and
 * `keyPath` (BROOK_TLS_CERT, BROOK_TLS_KEY). `strayKeyPath` is a key of no certificate, for mismatch tests.
 * CI installs openssl (.ci/run), so a missing one is an error here, not a skip.
 */
export interface TestCertificate {
  dir: string;
  caPath: string;
  certPath: string;
  keyPath: string;
  strayKeyPath: string;
  /** PEM texts of the CA certificate, the server certificate and its key. */
  ca: string;
  cert: string;
  key: string;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new Error('the openssl command is missing: install it (apt-get install openssl) to run the TLS tests');
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
}

export function makeTestCertificate(): TestCertificate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-tls-'));
  const ec = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl(dir, ['genpkey', ...ec, '-out', 'ca.key']);
  openssl(dir, ['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=Brook test CA', '-days', '2', '-out', 'ca.pem']);
  openssl(dir, ['genpkey', ...ec, '-out', 'server.key']);
  openssl(dir, ['req', '-new', '-key', 'server.key', '-subj', '/CN=localhost', '-out', 'server.csr']);
  fs.writeFileSync(
    path.join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl(
    dir,
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2'].concat([
      '-extfile',
      'server.ext',
      '-out',
      'server.pem',
    ]),
  );
  openssl(dir, ['genpkey', ...ec, '-out', 'stray.key']);
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
  return {
    dir,
    caPath: path.join(dir, 'ca.pem'),
    certPath: path.join(dir, 'server.pem'),
    keyPath: path.join(dir, 'server.key'),
    strayKeyPath: path.join(dir, 'stray.key'),
    ca: read('ca.pem'),
    cert: read('server.pem'),
    key: read('server.key'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface HttpsAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** SHA-256 fingerprint of the certificate the server presented. */
  fingerprint: string;
}

/** A request over https trusting `ca` (node's https with `ca`, as a client of a private CA does), on a new connection. */
export function httpsRequest(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ca, agent: false, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let text = '';
      res.on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, fingerprint }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export const httpsGet = (url: string, ca: string) => httpsRequest(url, ca);

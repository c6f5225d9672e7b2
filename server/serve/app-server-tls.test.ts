import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRequestUrl } from '@/server/api/edge/node-request';
import { type AppServer, createAppServer } from './app-server';
import { httpsGet, makeTestCertificate, type TestCertificate } from './test-certificate';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A plain http GET; rejects with the socket error when the server does not answer in http. */
function httpGet(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      })
      .on('error', reject);
  });
}

/** The app server with a certificate (BROOK_TLS_CERT/KEY), in process: https only, same handler and headers. */
describe('the app server over TLS', () => {
  let cert: TestCertificate;
  let other: TestCertificate;
  let app: AppServer;
  let port = 0;
  beforeAll(async () => {
    cert = makeTestCertificate();
    other = makeTestCertificate();
    app = createAppServer({
      getBroker: () => Promise.reject(new Error('not used')),
      next: async (req, res) => void res.end(nodeRequestUrl(req)),
      tls: { cert: cert.cert, key: cert.key },
    });
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close(100);
    cert?.remove();
    other?.remove();
  });

  it('serves https with the security headers; the request URL the API builds is https', async () => {
    const res = await httpsGet(`https://127.0.0.1:${port}/topics?x=1`, cert.ca);
    expect(res.status).toBe(200);
    expect(res.text).toBe('https://localhost/topics?x=1');
    expect(res.headers['x-frame-options']).toBe('DENY');
    // And by name (subjectAltName DNS:localhost).
    expect((await httpsGet(`https://localhost:${port}/`, cert.ca)).status).toBe(200);
  });

  it('a plain http request to the https port fails cleanly, and the server keeps serving', async () => {
    await expect(httpGet(`http://127.0.0.1:${port}/`)).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await httpsGet(`https://127.0.0.1:${port}/`, cert.ca)).status).toBe(200);
  });

  it('a client that does not trust the certificate is refused by its own check', async () => {
    await expect(httpsGet(`https://127.0.0.1:${port}/`, other.ca)).rejects.toThrow(/certificate/);
  });

  it('setCertificate: new connections get the new certificate', async () => {
    const before = await httpsGet(`https://127.0.0.1:${port}/`, cert.ca);
    app.setCertificate({ cert: other.cert, key: other.key });
    try {
      const after = await httpsGet(`https://127.0.0.1:${port}/`, other.ca);
      expect(after.status).toBe(200);
      expect(after.fingerprint).not.toBe(before.fingerprint);
    } finally {
      app.setCertificate({ cert: cert.cert, key: cert.key });
    }
  });

  it('without TLS the URL stays http, and setCertificate says there is no TLS', async () => {
    const plain = createAppServer({
      getBroker: () => Promise.reject(new Error('not used')),
      next: async (req, res) => void res.end(nodeRequestUrl(req)),
    });
    await new Promise<void>((resolve) => plain.server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await httpGet(`http://127.0.0.1:${(plain.server.address() as AddressInfo).port}/x`);
      expect(res.text).toBe('http://localhost/x');
      expect(() => plain.setCertificate({ cert: cert.cert, key: cert.key })).toThrow('the HTTP server does not speak TLS');
    } finally {
      await plain.close(100);
    }
  });
});

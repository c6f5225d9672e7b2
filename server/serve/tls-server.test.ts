import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@/server/broker/testing';
import { KafkaTestClient } from '@/server/kafka/test-client';
import { buildServerForTests, type ServerChild, startServerChild } from './spawn-server';
import { httpsGet, httpsRequest, makeTestCertificate, type TestCertificate } from './test-certificate';

/**
 * The built server (server/main.ts) with BROOK_TLS_CERT/BROOK_TLS_KEY and a certificate made here: https
 * for the API, health, metrics and pages; the Kafka listener over TLS for the raw client, kcat and kafkajs;
 * SIGHUP reload; and the start-up checks that stop a bad configuration.
 */
let entry = '';
let cert: TestCertificate;
const dirs: string[] = [];
const dataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-tls-server-'));
  dirs.push(dir);
  return path.join(dir, 'pglite');
};

beforeAll(() => {
  entry = buildServerForTests();
  cert = makeTestCertificate();
});
afterAll(() => {
  if (entry) fs.rmSync(entry, { force: true });
  cert?.remove();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const hasKcat = spawnSync('kcat', ['-V']).status === 0;

function kcat(args: string[], input = ''): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin.end(input);
  });
}

describe('the server with BROOK_TLS_CERT and BROOK_TLS_KEY', () => {
  let server: ServerChild;
  let kafkaPort = 0;
  let certPath = '';
  let keyPath = '';
  const trpc = (procedure: string, input: unknown) =>
    httpsRequest(`${server.url}/api/trpc/${procedure}`, cert.ca, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
  const fetchValues = async (topic: string, partition: number) => {
    const input = encodeURIComponent(JSON.stringify({ topic, partition, offset: 0 }));
    const res = await httpsGet(`${server.url}/api/trpc/records.fetch?input=${input}`, cert.ca);
    expect(res.status, res.text).toBe(200);
    return (JSON.parse(res.text).result.data.records as { value: string }[]).map((r) => r.value);
  };

  beforeAll(async () => {
    // Copies the server reads, so the SIGHUP test can replace them.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-tls-files-'));
    dirs.push(dir);
    certPath = path.join(dir, 'cert.pem');
    keyPath = path.join(dir, 'key.pem');
    fs.copyFileSync(cert.certPath, certPath);
    fs.copyFileSync(cert.keyPath, keyPath);
    server = await startServerChild(entry, {
      BROOK_DATA_DIR: dataDir(),
      BROOK_KAFKA_LISTENER: '127.0.0.1:0',
      BROOK_TLS_CERT: certPath,
      BROOK_TLS_KEY: keyPath,
    });
    await until(() => /Kafka listener on 127\.0\.0\.1:\d+ \(TLS\)/.test(server.log()), 'the Kafka listener line');
    kafkaPort = Number(/Kafka listener on 127\.0\.0\.1:(\d+)/.exec(server.log())?.[1]);
  });
  afterAll(async () => {
    if (!server) return;
    if (server.child.exitCode === null) server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // No part of the private key reached the log.
    for (const line of cert.key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')))
      expect(server.log()).not.toContain(line);
  });

  it('says https:// and which certificate it serves', () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.log()).toMatch(
      /\[brook\] TLS: https and the Kafka listener with the certificate CN=localhost \(valid until \d{4}-\d\d-\d\d\)/,
    );
    expect(server.log()).toContain(`[brook] listening on ${server.url}`);
  });

  it('health, liveness, metrics, a page and the API answer over https', async () => {
    const health = await httpsGet(`${server.url}/api/health`, cert.ca);
    expect(health.status).toBe(200);
    expect((await httpsGet(`${server.url}/api/health/live`, cert.ca)).status).toBe(200);
    const metrics = await httpsGet(`${server.url}/api/metrics`, cert.ca);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('# TYPE');
    const page = await httpsGet(`${server.url}/topics`, cert.ca);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
    expect(page.headers['x-frame-options']).toBe('DENY');

    expect((await trpc('topics.create', { name: 'tls-http', partitions: 1 })).status).toBe(200);
    const produced = await trpc('records.produce', { topic: 'tls-http', records: [{ value: 'over https', partition: 0 }] });
    expect(produced.status, produced.text).toBe(200);
    expect(await fetchValues('tls-http', 0)).toEqual(['over https']);
  });

  it('plain http to the https port fails cleanly (no answer, no crash); the server keeps serving', async () => {
    const plain = new Promise<number>((resolve, reject) => {
      http
        .get(`${server.url.replace('https:', 'http:')}/api/health`, { agent: false }, (res) => resolve(res.statusCode ?? 0))
        .on('error', reject);
    });
    await expect(plain).rejects.toThrow(/socket hang up|ECONNRESET/);
    // Nor over a client that does not trust the certificate.
    const stranger = makeTestCertificate();
    try {
      await expect(httpsGet(`${server.url}/api/health`, stranger.ca)).rejects.toThrow(/certificate/);
    } finally {
      stranger.remove();
    }
    expect((await httpsGet(`${server.url}/api/health`, cert.ca)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  });

  it('the Kafka listener speaks TLS: the raw client over TLS is answered, a plaintext one is closed', async () => {
    const client = await KafkaTestClient.connect('127.0.0.1', kafkaPort, { tls: { ca: cert.ca } });
    try {
      const md = await client.request<{ brokers: { host: string; port: number }[] }>(3, 9, { topics: null, allowAutoTopicCreation: false });
      // The advertised listener is unchanged: clients choose SSL by their own configuration.
      expect(md.brokers).toContainEqual(expect.objectContaining({ host: '127.0.0.1', port: kafkaPort }));
    } finally {
      client.close();
    }
    const plain = await KafkaTestClient.connect('127.0.0.1', kafkaPort);
    await expect(plain.request(18, 3, { clientSoftwareName: 'plain', clientSoftwareVersion: '1' })).rejects.toThrow(
      'connection closed by the broker',
    );
    await until(() => server.log().includes('TLS handshake failed from 127.0.0.1: not a TLS client'), 'the log line');
  });

  it.runIf(hasKcat)('kcat with security.protocol=SSL produces and consumes; the records are the HTTP API’s too', async () => {
    expect((await trpc('topics.create', { name: 'tls-kcat', partitions: 1 })).status).toBe(200);
    const ssl = ['-b', `127.0.0.1:${kafkaPort}`, '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${cert.caPath}`];
    const produced = await kcat([...ssl, '-P', '-t', 'tls-kcat', '-p', '0'], 'one\ntwo\n');
    expect(produced.code, produced.stderr).toBe(0);
    await trpc('records.produce', { topic: 'tls-kcat', records: [{ value: 'three', partition: 0 }] });
    const consumed = await kcat([...ssl, '-C', '-t', 'tls-kcat', '-p', '0', '-o', 'beginning', '-e', '-q']);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toEqual(['one', 'two', 'three']);
    expect(await fetchValues('tls-kcat', 0)).toEqual(['one', 'two', 'three']);
  });

  it('kafkajs with ssl: { ca } produces and consumes in a group', async () => {
    const kafka = new Kafka({
      clientId: 'brook-tls-test',
      brokers: [`127.0.0.1:${kafkaPort}`],
      // servername: kafkajs would send the IP as SNI (which Node warns about); the certificate names localhost too.
      ssl: { ca: [cert.ca], servername: 'localhost' },
      logLevel: logLevel.NOTHING,
      retry: { retries: 2 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'tls-kafkajs', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const sent = Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 7}`, value: `message ${i}` }));
    await producer.send({ topic: 'tls-kafkajs', acks: -1, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'tls-group', maxWaitTimeInMs: 500 });
    const got: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'tls-kafkajs', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void got.push(String(message.value)) });
      await until(() => got.length >= sent.length, 'every message consumed', 30_000);
    } finally {
      await consumer.disconnect();
    }
    expect(got.sort()).toEqual(sent.map((m) => m.value).sort());
    const overHttp = [...(await fetchValues('tls-kafkajs', 0)), ...(await fetchValues('tls-kafkajs', 1))];
    expect(overHttp.sort()).toEqual(sent.map((m) => m.value).sort());
  });

  it('SIGHUP reloads the files: a renewed certificate is served; a bad pair is refused and the current one stays', async () => {
    const renewed = makeTestCertificate();
    try {
      const before = await httpsGet(`${server.url}/api/health`, cert.ca);
      fs.copyFileSync(renewed.certPath, certPath);
      fs.copyFileSync(renewed.keyPath, keyPath);
      server.child.kill('SIGHUP');
      await until(() => server.log().includes('[brook] SIGHUP: TLS certificate and key reloaded'), 'the reload line');
      const after = await httpsGet(`${server.url}/api/health`, renewed.ca);
      expect(after.status).toBe(200);
      expect(after.fingerprint).not.toBe(before.fingerprint);
      const kafka = await KafkaTestClient.connect('127.0.0.1', kafkaPort, { tls: { ca: renewed.ca } });
      kafka.close();

      // A key of another certificate: refused, said, and the renewed pair still served.
      fs.copyFileSync(renewed.strayKeyPath, keyPath);
      server.child.kill('SIGHUP');
      await until(() => server.log().includes('[brook] SIGHUP: certificate not reloaded, the current one stays:'), 'the refusal line');
      expect(server.log()).toContain(`BROOK_TLS_KEY (${keyPath}) does not match the certificate in BROOK_TLS_CERT (${certPath})`);
      expect((await httpsGet(`${server.url}/api/health`, renewed.ca)).status).toBe(200);
      expect(server.child.exitCode).toBeNull();
    } finally {
      // Back to the first pair, for the tests after this one.
      fs.copyFileSync(cert.certPath, certPath);
      fs.copyFileSync(cert.keyPath, keyPath);
      const lines = server.log().split('TLS certificate and key reloaded').length;
      server.child.kill('SIGHUP');
      await until(() => server.log().split('TLS certificate and key reloaded').length > lines, 'reloaded back');
      renewed.remove();
    }
  });
});

describe('a TLS configuration that cannot work stops start-up', () => {
  const failed = async (env: Record<string, string>) => {
    const started = startServerChild(entry, { BROOK_DATA_DIR: dataDir(), ...env });
    const err = await started.then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^the server exited before listening/);
    return err?.message ?? '';
  };

  it('only one of the two variables', async () => {
    expect(await failed({ BROOK_TLS_CERT: cert.certPath })).toContain(
      '[brook] cannot start: BROOK_TLS_CERT is set but BROOK_TLS_KEY is not: TLS needs both the certificate and its private key (or neither)',
    );
    expect(await failed({ BROOK_TLS_KEY: cert.keyPath })).toContain('[brook] cannot start: BROOK_TLS_KEY is set but BROOK_TLS_CERT is not');
  });

  it('a key that does not match the certificate, without a word of the key', async () => {
    const log = await failed({ BROOK_TLS_CERT: cert.certPath, BROOK_TLS_KEY: cert.strayKeyPath });
    expect(log).toContain(
      `[brook] cannot start: BROOK_TLS_KEY (${cert.strayKeyPath}) does not match the certificate in BROOK_TLS_CERT (${cert.certPath})`,
    );
    const stray = fs.readFileSync(cert.strayKeyPath, 'utf8');
    for (const line of stray.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(log).not.toContain(line);
  });
});

// Real Kafka clients with SASL against Brook's listener with auth on, both databases: kafkajs 2.2.4 with
// PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 producing and consuming in a group; kcat (librdkafka 2.0.2) with
// SASL_PLAINTEXT and each mechanism; a token as the password; a wrong password and a viewer refused.

import { spawn, spawnSync } from 'node:child_process';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import type { Role } from '@/server/kernel/auth-types';
import { makeTestCertificate } from '@/server/serve/test-certificate';
import { KafkaTestClient } from '../test-client';
import { type KafkaTestBroker, kafkaTestBroker } from '../testing';

const hasKcat = spawnSync('kcat', ['-V']).status === 0;
const PASSWORD = 'kafka clients password';

function kcat(args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin.end(input ?? '');
  });
}

describe.each(testBackends())('Kafka clients with SASL (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(
    backend,
    (e) => {
      env = e;
    },
    { auth: { mode: 'on' } },
  );
  const users = {} as Record<Role, string>;
  beforeAll(async () => {
    const actor = { principal: env.broker.auth.anonymous(), address: null };
    for (const role of ['viewer', 'producer'] as const) {
      users[role] = uniqueName(`kc-${role}`);
      await env.broker.auth.users.add({ name: users[role], password: PASSWORD, role }, actor);
    }
  });

  const kafkajs = (sasl: SASLOptions) =>
    new Kafka({ clientId: 'brook-sasl-test', brokers: [env.bootstrap], sasl, logLevel: logLevel.NOTHING, retry: { retries: 1 } });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)(
    'kafkajs with sasl %s produces and consumes in a group',
    async (mechanism) => {
      const topic = uniqueName(`kjs-sasl-${mechanism}`);
      await env.broker.createTopic({ name: topic, partitions: 2 });
      const kafka = kafkajs({ mechanism, username: users.producer, password: PASSWORD } as SASLOptions);
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const sent = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 3}`, value: `v${i}` }));
      await producer.send({ topic, acks: -1, messages: sent });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: uniqueName('kjs-sasl-g'), sessionTimeout: 10_000, heartbeatInterval: 500 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`consumed ${got.length} of ${sent.length}`)), 30_000);
        consumer
          .run({
            eachMessage: async ({ message }) => {
              got.push(message.value?.toString() ?? '');
              if (got.length === sent.length) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
      await consumer.disconnect();
      expect(got.sort()).toEqual(sent.map((m) => m.value).sort());
    },
  );

  it('kafkajs: a wrong password fails to connect (SASL_AUTHENTICATION_FAILED); a viewer cannot produce (TOPIC_AUTHORIZATION_FAILED)', async () => {
    const topic = uniqueName('kjs-sasl-no');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    const wrong = kafkajs({ mechanism: 'scram-sha-256', username: users.producer, password: 'wrong password!' }).producer();
    await expect(wrong.connect()).rejects.toThrow(/SASL SCRAM SHA256 authentication failed|invalid credentials/i);
    const viewer = kafkajs({ mechanism: 'plain', username: users.viewer, password: PASSWORD }).producer({ retry: { retries: 0 } });
    await viewer.connect();
    await expect(viewer.send({ topic, messages: [{ value: 'no' }] })).rejects.toThrow(/not authorized|authorization/i);
    await viewer.disconnect();
    expect((await env.broker.fetch({ topic, partition: 0, offset: 0, maxRecords: 10 })).records).toHaveLength(0);
  });

  describe.runIf(hasKcat)('kcat', () => {
    const sasl = (mechanism: string, username: string, password: string) => [
      '-b',
      env.bootstrap,
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      `sasl.mechanisms=${mechanism}`,
      '-X',
      `sasl.username=${username}`,
      '-X',
      `sasl.password=${password}`,
      '-X',
      'socket.timeout.ms=20000',
    ];

    it.each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])('SASL_PLAINTEXT with %s produces and consumes', async (mechanism) => {
      const topic = uniqueName(`kc-sasl-${mechanism.toLowerCase()}`);
      await env.broker.createTopic({ name: topic, partitions: 1 });
      const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
      const p = await kcat([...sasl(mechanism, users.producer, PASSWORD), '-P', '-t', topic], `${lines.join('\n')}\n`);
      expect(p.code, p.stderr).toBe(0);
      const c = await kcat([...sasl(mechanism, users.producer, PASSWORD), '-C', '-t', topic, '-o', 'beginning', '-e', '-q']);
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout.trim().split('\n')).toEqual(lines);
    });

    it('a token is the password; a wrong password is refused with the broker message', async () => {
      const name = uniqueName('kc-token');
      const { token } = await env.broker.auth.tokens.create(
        { name, role: 'viewer' },
        { principal: env.broker.auth.anonymous(), address: null },
      );
      const ok = await kcat([...sasl('SCRAM-SHA-512', name, token), '-L', '-J']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout).brokers.length).toBeGreaterThan(0);
      const bad = await kcat([...sasl('PLAIN', users.producer, 'wrong password!'), '-L', '-m', '5']);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/Authentication failed|SASL authentication error/i);
      expect(bad.stderr).not.toContain(token);
    });
  });
});

describe('Kafka clients with SASL_SSL (pglite)', () => {
  const cert = makeTestCertificate();
  afterAll(() => cert.remove());
  let env: KafkaTestBroker;
  kafkaTestBroker(
    'pglite',
    (e) => {
      env = e;
    },
    { auth: { mode: 'on' }, tls: { cert: cert.cert, key: cert.key } },
  );
  let user: string;
  beforeAll(async () => {
    user = uniqueName('ssl-user');
    await env.broker.auth.users.add(
      { name: user, password: PASSWORD, role: 'producer' },
      { principal: env.broker.auth.anonymous(), address: null },
    );
  });

  it('the raw client logs in with SCRAM over TLS; without TLS the connection is refused at the handshake', async () => {
    const client = await KafkaTestClient.connect(env.host, env.port, { tls: { ca: cert.ca } });
    expect((await client.login('SCRAM-SHA-512', user, PASSWORD)).errorCode).toBe(0);
    expect((await client.request<{ brokers: unknown[] }>(3, 12, { topics: [], allowAutoTopicCreation: false })).brokers.length).toBe(1);
    client.close();
    const plain = await KafkaTestClient.connect(env.host, env.port);
    await expect(plain.handshake('PLAIN')).rejects.toThrow(/closed/);
  });

  it('kafkajs with ssl and sasl scram-sha-256 produces and reads back', async () => {
    const topic = uniqueName('ssl-kjs');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    const kafka = new Kafka({
      clientId: 'brook-sasl-ssl-test',
      brokers: [env.bootstrap],
      ssl: { ca: [cert.ca] },
      sasl: { mechanism: 'scram-sha-256', username: user, password: PASSWORD },
      logLevel: logLevel.NOTHING,
      retry: { retries: 1 },
    });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'over SASL_SSL' }] });
    await producer.disconnect();
    const stored = await env.broker.fetch({ topic, partition: 0, offset: 0, maxRecords: 10 });
    expect(stored.records.map((r) => Buffer.from(r.value ?? []).toString())).toEqual(['over SASL_SSL']);
  });

  it.runIf(hasKcat)('kcat with security.protocol=SASL_SSL (PLAIN and SCRAM-SHA-512) produces and consumes', async () => {
    const topic = uniqueName('ssl-kc');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    for (const mechanism of ['PLAIN', 'SCRAM-SHA-512']) {
      const args = [
        '-b',
        env.bootstrap,
        '-X',
        'security.protocol=SASL_SSL',
        '-X',
        `ssl.ca.location=${cert.caPath}`,
        '-X',
        `sasl.mechanisms=${mechanism}`,
      ];
      const auth = [...args, '-X', `sasl.username=${user}`, '-X', `sasl.password=${PASSWORD}`, '-X', 'socket.timeout.ms=20000'];
      const p = await kcat([...auth, '-P', '-t', topic], `${mechanism} line\n`);
      expect(p.code, p.stderr).toBe(0);
    }
    const c = await kcat([
      '-b',
      env.bootstrap,
      '-X',
      'security.protocol=SASL_SSL',
      '-X',
      `ssl.ca.location=${cert.caPath}`,
      '-X',
      'sasl.mechanisms=SCRAM-SHA-256',
      '-X',
      `sasl.username=${user}`,
      '-X',
      `sasl.password=${PASSWORD}`,
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
    ]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout.trim().split('\n')).toEqual(['PLAIN line', 'SCRAM-SHA-512 line']);
  });
});

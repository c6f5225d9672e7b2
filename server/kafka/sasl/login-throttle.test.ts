// The lockout attack over Kafka, both databases: many wrong logins for an admin's name over SASL/PLAIN,
// SCRAM-SHA-256/512 (raw clients and kafkajs) and the console, from many addresses; the owner then logs in
// with kafkajs within the name's delay cap. A SCRAM first message alone counts nothing. SCRAM's answer for
// an unknown name has the shape of a real one and the same salt on every instance and after a restart.

import { Kafka, logLevel } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testBackends, uniqueName } from '@/db/testing';
import { Auth } from '@/server/broker/auth';
import { KafkaTestClient } from '../test-client';
import { type KafkaTestBroker, kafkaTestBroker } from '../testing';

const PASSWORD = 'the owner password';
const CAP_MS = 1500;
const randomLoopback = () =>
  `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const serverFirst = (answer: Buffer) =>
  Object.fromEntries(
    answer
      .toString()
      .split(',')
      .map((kv) => [kv[0], kv.slice(2)]),
  );

describe.each(testBackends())('Kafka login throttling (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(
    backend,
    (e) => {
      env = e;
    },
    // A small cap keeps the test short; the mechanism is the one of the 30 s default.
    { auth: { mode: 'on', loginLimits: { baseDelayMs: 200, maxDelayMs: CAP_MS } } },
  );
  let owner: string;
  beforeAll(async () => {
    owner = uniqueName('k-owner');
    await env.broker.auth.users.add(
      { name: owner, password: PASSWORD, role: 'admin' },
      { principal: env.broker.auth.anonymous(), address: null },
    );
  });
  const connect = () => KafkaTestClient.connect(env.host, env.port, { localAddress: randomLoopback() });
  const kafkajs = (mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', password: string) =>
    new Kafka({
      clientId: 'brook-throttle-test',
      brokers: [env.bootstrap],
      sasl: { mechanism, username: owner, password } as never,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });

  it('many wrong logins for the admin from many addresses, over every mechanism; the owner gets in within the cap', async () => {
    const raw = async (mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512', i: number) => {
      const c = await connect();
      try {
        return (await c.login(mechanism, owner, `wrong ${i}`)).errorCode;
      } finally {
        c.close();
      }
    };
    const attack = [
      ...Array.from({ length: 30 }, (_, i) => raw((['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const)[i % 3], i)),
      ...Array.from({ length: 6 }, (_, i) =>
        env.broker.auth.login({ username: owner, password: `wrong ${i}`, address: randomLoopback() }).then(
          () => 0,
          () => 58,
        ),
      ),
      // kafkajs from 127.0.0.1 (other files log in from there: few attempts, far below its address limit).
      ...(['plain', 'scram-sha-512'] as const).map((m) =>
        kafkajs(m, 'wrong password')
          .admin()
          .connect()
          .then(
            () => 0,
            () => 58,
          ),
      ),
    ];
    expect((await Promise.all(attack)).every((code) => code === 58)).toBe(true);
    // Most guesses were told to wait, unchecked (audited as denied); the name is throttled now.
    const audited = await env.broker.auth.audit.list({ actor: owner, limit: 100 });
    expect(audited.filter((e) => e.outcome === 'denied').length).toBeGreaterThan(20);
    expect(audited.filter((e) => e.outcome === 'failed').length).toBeLessThan(15);

    const started = Date.now();
    const tried: string[] = [];
    for (;;) {
      const admin = kafkajs('scram-sha-512', PASSWORD).admin();
      const error = await admin.connect().then(
        () => null,
        (e: Error) => e.message,
      );
      if (error === null) {
        expect((await admin.listTopics()).length).toBeGreaterThanOrEqual(0);
        await admin.disconnect();
        break;
      }
      tried.push(error);
      // The broker says how long: wait that, and no more.
      expect(error).toMatch(/try again in \d+ s/);
      const retryAt = await env.broker.auth.limiter.nextAllowedAt(owner, Date.now());
      await new Promise((r) => setTimeout(r, Math.max(0, (retryAt ?? 0) - Date.now()) + 20));
      expect(tried.length).toBeLessThan(3);
    }
    expect(Date.now() - started).toBeLessThan(CAP_MS + 2000);
  });

  it('a SCRAM first message alone counts nothing, however often', async () => {
    const name = uniqueName('k-first');
    await env.broker.auth.users.add(
      { name, password: PASSWORD, role: 'viewer' },
      { principal: env.broker.auth.anonymous(), address: null },
    );
    for (let i = 0; i < 12; i++) {
      const c = await connect();
      expect((await c.handshake('SCRAM-SHA-256')).errorCode).toBe(0);
      const first = await c.saslAuthenticate(Buffer.from(`n,,n=${name},r=abandoned${i}`));
      expect(first.errorCode).toBe(0);
      c.close(); // abandoned: no final message
    }
    expect(await env.db.query(`SELECT 1 FROM login_failures WHERE scope = 'user' AND key = $1`, [name])).toEqual([]);
    expect((await env.broker.auth.audit.list({ actor: name, action: 'sasl.authenticate' })).filter((e) => e.outcome !== 'ok')).toEqual([]);
    const c = await connect();
    expect((await c.login('SCRAM-SHA-256', name, PASSWORD)).errorCode).toBe(0);
    c.close();
  });

  it("SCRAM's first answer for an unknown name: a real one's shape, and the same salt on every instance and after a restart", async () => {
    const firstAnswer = async (name: string, mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512') => {
      const c = await connect();
      try {
        await c.handshake(mechanism);
        return serverFirst((await c.saslAuthenticate(Buffer.from(`n,,n=${name},r=clientnonce`))).authBytes);
      } finally {
        c.close();
      }
    };
    const unknown = uniqueName('k-nobody');
    for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
      const real = await firstAnswer(owner, mechanism);
      const fake = await firstAnswer(unknown, mechanism);
      expect(Object.keys(fake)).toEqual(Object.keys(real));
      expect(fake.i).toBe(real.i);
      expect(Buffer.from(fake.s, 'base64')).toHaveLength(Buffer.from(real.s, 'base64').length);
      expect(fake.r.startsWith('clientnonce')).toBe(true);
      expect((await firstAnswer(unknown, mechanism)).s).toBe(fake.s);
    }
    // Another instance (its own pool on the same database) and a restart (a new Auth) make up the same salt.
    const wire = (await firstAnswer(unknown, 'SCRAM-SHA-256')).s;
    const other = backend === 'postgres' ? await openTestDatabase(backend) : env.db;
    try {
      const second = new Auth(other, Date.now, { mode: 'on' });
      expect((await second.scramFakeCredential('SCRAM-SHA-256', unknown)).salt.toString('base64')).toBe(wire);
      const restarted = new Auth(env.db, Date.now, { mode: 'on' });
      expect((await restarted.scramFakeCredential('SCRAM-SHA-256', unknown)).salt.toString('base64')).toBe(wire);
      expect((await restarted.scramFakeCredential('SCRAM-SHA-256', `${unknown}x`)).salt.toString('base64')).not.toBe(wire);
    } finally {
      if (other !== env.db) await other.close();
    }
  });
});

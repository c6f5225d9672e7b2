// The Kafka listener with BROOK_AUTH=on against the real auth store, both databases: SASL/PLAIN and SCRAM
// logins (v1 and v0 handshakes), tokens as passwords, refusals and closes, the SCRAM lockout, each role
// against each API class, and the audit lines the admin APIs leave.

import { beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import type { Role } from '@/server/kernel/auth-types';
import type { apiVersions, createTopics, metadata, produce } from '../protocol';
import { encodeRecordBatch } from '../records';
import { decodeFrame, KafkaTestClient } from '../test-client';
import { type KafkaTestBroker, kafkaTestBroker } from '../testing';

const KEY = {
  produce: 0,
  metadata: 3,
  joinGroup: 11,
  listGroups: 16,
  apiVersions: 18,
  createTopics: 19,
  initProducerId: 22,
  alterConfigs: 33,
  deleteGroups: 42,
  describeCluster: 60,
} as const;
const CODE = {
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  SASL_AUTHENTICATION_FAILED: 58,
};
const PASSWORD = 'a long enough password';
const randomLoopback = () =>
  `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

const metadataBody = (topics: string[], allowAutoTopicCreation = false) => ({
  topics: topics.map((name) => ({ topicId: '00000000-0000-0000-0000-000000000000', name })),
  allowAutoTopicCreation,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
});

const produceBody = (topic: string, value: string, acks = -1): produce.ProduceRequest => ({
  transactionalId: null,
  acks,
  timeoutMs: 5000,
  topicData: [
    {
      name: topic,
      partitionData: [
        {
          index: 0,
          records: encodeRecordBatch({
            baseOffset: 0,
            records: [{ offset: 0, timestamp: Date.now(), key: null, value: Buffer.from(value), headers: [] }],
          }),
        },
      ],
    },
  ],
});

const createTopicsBody = (name: string) => ({
  topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
  timeoutMs: 5000,
  validateOnly: false,
});

describe.each(testBackends())('Kafka listener with auth on (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(
    backend,
    (e) => {
      env = e;
    },
    { auth: { mode: 'on' }, kafka: { autoCreateTopics: true } },
  );
  const users = {} as Record<Role, string>;
  let topic: string;
  beforeAll(async () => {
    const actor = { principal: env.broker.auth.anonymous(), address: null };
    for (const role of ['viewer', 'producer', 'admin'] as const) {
      users[role] = uniqueName(`k-${role}`);
      await env.broker.auth.users.add({ name: users[role], password: PASSWORD, role }, actor);
    }
    topic = uniqueName('k-auth');
    await env.broker.createTopic({ name: topic, partitions: 1 });
  });

  // Each connection from its own loopback address: the login limit counts failures per address too, and
  // this file's failures must not lock out what other files run from 127.0.0.1.
  const connect = () => KafkaTestClient.connect(env.host, env.port, { localAddress: randomLoopback() });
  async function as(role: Role, mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' = 'PLAIN'): Promise<KafkaTestClient> {
    const client = await connect();
    const answer = await client.login(mechanism, users[role], PASSWORD);
    expect(answer.errorCode, answer.errorMessage ?? '').toBe(0);
    return client;
  }
  const audit = (action: string, actor?: string) => env.broker.auth.audit.list({ action, actor, limit: 50 });

  it('before authentication answers ApiVersions (with the SASL APIs) and closes on anything else, unanswered', async () => {
    const client = await connect();
    const versions = await client.request<apiVersions.ApiVersionsResponse>(KEY.apiVersions, 3, {
      clientSoftwareName: 't',
      clientSoftwareVersion: '1',
    });
    expect(versions.apiKeys.map((a) => a.apiKey)).toEqual(expect.arrayContaining([17, 36]));
    await expect(client.request(KEY.metadata, 12, metadataBody([topic]))).rejects.toThrow(/closed/);
    await client.whenClosed;
    // Pipelined behind a login that fails: never answered, whether it arrives before the login's answer
    // (refused, unauthenticated) or after it (the connection is over). With a good password the outcome
    // would depend on timing: Kafka itself serves a request that arrives after the login has finished.
    const eager = await connect();
    expect((await eager.handshake('PLAIN')).errorCode).toBe(0);
    const login = eager.saslAuthenticate(Buffer.from(`\0${users.admin}\0not-the-password`));
    const early = eager.request(KEY.metadata, 12, metadataBody([topic]));
    await expect(early).rejects.toThrow(/closed/);
    await login.catch(() => {});
  });

  it.each([
    ['PLAIN', 1],
    ['PLAIN', 0],
    ['SCRAM-SHA-256', 1],
    ['SCRAM-SHA-256', 0],
    ['SCRAM-SHA-512', 1],
    ['SCRAM-SHA-512', 0],
  ] as const)('%s with SaslHandshake v%i authenticates; the connection then serves its role', async (mechanism, hv) => {
    const client = await connect();
    try {
      const hs = await client.handshake(mechanism, hv);
      expect(hs).toEqual({ errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
      client.close();
      const again = await connect();
      const answer = await again.login(mechanism, users.producer, PASSWORD, hv);
      expect(answer.errorCode, answer.errorMessage ?? '').toBe(0);
      const md = await again.request<metadata.MetadataResponse>(KEY.metadata, 12, metadataBody([topic]));
      expect(md.topics[0]).toMatchObject({ name: topic, errorCode: 0 });
      // No re-authentication: a second login is refused and the connection stays as it was.
      expect((await again.handshake(mechanism)).errorCode).toBe(CODE.ILLEGAL_SASL_STATE);
      expect((await again.request<metadata.MetadataResponse>(KEY.metadata, 12, metadataBody([topic]))).topics[0].errorCode).toBe(0);
      again.close();
    } finally {
      client.close();
    }
  });

  it.each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const)(
    '%s with a wrong password: SASL_AUTHENTICATION_FAILED with a message, then closed; audited',
    async (mechanism) => {
      const name = uniqueName('k-wrong');
      await env.broker.auth.users.add(
        { name, password: PASSWORD, role: 'admin' },
        { principal: env.broker.auth.anonymous(), address: null },
      );
      const client = await connect();
      const answer = await client.login(mechanism, name, 'not the password');
      expect(answer.errorCode).toBe(CODE.SASL_AUTHENTICATION_FAILED);
      expect(answer.errorMessage).toMatch(/./);
      expect(answer.errorMessage).not.toContain('not the password');
      await client.whenClosed;
      const lines = await audit('sasl.authenticate', name);
      expect(lines.map((l) => l.outcome)).toContain('failed');
      // An unknown name fails with the same words.
      const other = await connect();
      const unknown = await other.login(mechanism, uniqueName('nobody'), 'not the password');
      expect(unknown).toEqual(answer);
    },
  );

  it('an unknown mechanism is UNSUPPORTED_SASL_MECHANISM with the list, then closed; SaslAuthenticate without a handshake is ILLEGAL_SASL_STATE', async () => {
    const client = await connect();
    expect(await client.handshake('GSSAPI')).toEqual({
      errorCode: CODE.UNSUPPORTED_SASL_MECHANISM,
      mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
    });
    await client.whenClosed;
    const early = await connect();
    expect((await early.saslAuthenticate(Buffer.from(`\0${users.admin}\0${PASSWORD}`))).errorCode).toBe(CODE.ILLEGAL_SASL_STATE);
    await early.whenClosed;
    // Two SASL messages pipelined: no mechanism works that way; the second is refused and the connection closed.
    const eager = await connect();
    expect((await eager.handshake('SCRAM-SHA-256')).errorCode).toBe(0);
    const clientFirst = { authBytes: Buffer.from(`n,,n=${users.admin},r=abcdef`) };
    const [first, second] = eager.pipeline([eager.frame(36, 2, clientFirst), eager.frame(36, 2, clientFirst)]);
    expect((decodeFrame(36, 2, await first) as { errorCode: number }).errorCode).toBe(0);
    expect((decodeFrame(36, 2, await second) as { errorCode: number }).errorCode).toBe(CODE.ILLEGAL_SASL_STATE);
    await eager.whenClosed;
    // v0 (bare tokens): a failure cannot be answered, the connection is closed.
    const bare = await connect();
    expect((await bare.handshake('PLAIN', 0)).errorCode).toBe(0);
    await expect(bare.sendToken(Buffer.from(`\0${users.admin}\0wrong password`))).rejects.toThrow(/closed/);
  });

  it('an API token is a SASL password (PLAIN under any name, SCRAM under its name); revoked, it is refused', async () => {
    const actor = { principal: env.broker.auth.anonymous(), address: null };
    const name = uniqueName('k-token');
    const { token } = await env.broker.auth.tokens.create({ name, role: 'producer' }, actor);
    for (const [mechanism, user] of [
      ['PLAIN', 'whoever'],
      ['PLAIN', name],
      ['SCRAM-SHA-256', name],
      ['SCRAM-SHA-512', name],
    ] as const) {
      const client = await connect();
      const answer = await client.login(mechanism, user, token);
      expect(answer.errorCode, `${mechanism} ${answer.errorMessage}`).toBe(0);
      const res = await client.request<produce.ProduceResponse>(KEY.produce, 9, produceBody(topic, `from ${mechanism}`));
      expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
      client.close();
    }
    await env.broker.auth.tokens.revoke(name, actor);
    for (const mechanism of ['PLAIN', 'SCRAM-SHA-256'] as const) {
      const client = await connect();
      expect((await client.login(mechanism, name, token)).errorCode).toBe(CODE.SASL_AUTHENTICATION_FAILED);
      await client.whenClosed;
    }
  });

  it('SCRAM failures throttle the name: during the delay the right password is told when to retry; after it, it gets in', async () => {
    const name = uniqueName('k-lock');
    await env.broker.auth.users.add(
      { name, password: PASSWORD, role: 'viewer' },
      { principal: env.broker.auth.anonymous(), address: null },
    );
    // 5 free failures, then one claimed turn that starts a 1 s delay.
    for (let i = 0; i < 6; i++) {
      const client = await connect();
      const answer = await client.login('SCRAM-SHA-256', name, `wrong ${i}`);
      expect(answer.errorCode).toBe(CODE.SASL_AUTHENTICATION_FAILED);
      client.close();
    }
    const early = await connect();
    const refused = await early.login('SCRAM-SHA-512', name, PASSWORD);
    early.close();
    expect(refused.errorCode).toBe(CODE.SASL_AUTHENTICATION_FAILED);
    expect(refused.errorMessage).toMatch(/try again in \d+ s/);
    const retryAt = await env.broker.auth.limiter.nextAllowedAt(name, Date.now());
    await new Promise((r) => setTimeout(r, Math.max(0, (retryAt ?? 0) - Date.now()) + 20));
    const owner = await connect();
    const answer = await owner.login('SCRAM-SHA-512', name, PASSWORD);
    owner.close();
    expect(answer.errorCode, answer.errorMessage ?? '').toBe(0);
  });

  describe('each role against each API class', () => {
    it('read (Metadata, ListGroups, DescribeCluster): every role', async () => {
      for (const role of ['viewer', 'producer', 'admin'] as const) {
        const c = await as(role, 'SCRAM-SHA-256');
        expect((await c.request<metadata.MetadataResponse>(KEY.metadata, 12, metadataBody([topic]))).topics[0].errorCode).toBe(0);
        expect((await c.request<{ errorCode: number }>(KEY.listGroups, 4, { statesFilter: [], typesFilter: [] })).errorCode).toBe(0);
        expect(
          (await c.request<{ errorCode: number }>(KEY.describeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 }))
            .errorCode,
        ).toBe(0);
        c.close();
      }
    });

    it('write (Produce, JoinGroup, InitProducerId): refused to a viewer per topic, group and cluster; allowed from producer up', async () => {
      const viewer = await as('viewer');
      const p = await viewer.request<produce.ProduceResponse>(KEY.produce, 9, produceBody(topic, 'no'));
      expect(p.responses[0]).toMatchObject({ name: topic, partitionResponses: [{ index: 0, errorCode: CODE.TOPIC_AUTHORIZATION_FAILED }] });
      const join = await viewer.request<{ errorCode: number }>(KEY.joinGroup, 5, {
        groupId: uniqueName('g'),
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
        reason: null,
      });
      expect(join.errorCode).toBe(CODE.GROUP_AUTHORIZATION_FAILED);
      const pid = await viewer.request<{ errorCode: number }>(KEY.initProducerId, 4, {
        transactionalId: null,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
      });
      expect(pid.errorCode).toBe(CODE.CLUSTER_AUTHORIZATION_FAILED);
      expect(viewer.closed).toBe(false);
      // acks=0 cannot be answered: Kafka closes the connection.
      viewer.sendOnly(viewer.frame(KEY.produce, 9, produceBody(topic, 'no', 0)));
      await viewer.whenClosed;
      const before = (await env.broker.fetch({ topic, partition: 0, offset: 0, maxRecords: 1000 })).records.length;
      for (const role of ['producer', 'admin'] as const) {
        const c = await as(role, 'SCRAM-SHA-512');
        const ok = await c.request<produce.ProduceResponse>(KEY.produce, 9, produceBody(topic, role));
        expect(ok.responses[0].partitionResponses[0].errorCode).toBe(0);
        c.close();
      }
      const after = (await env.broker.fetch({ topic, partition: 0, offset: 0, maxRecords: 1000 })).records.map((r) =>
        Buffer.from(r.value ?? []).toString(),
      );
      expect(after.length).toBe(before + 2);
      expect(after).not.toContain('no');
    });

    it('admin (CreateTopics, AlterConfigs, DeleteGroups): refused to viewer and producer with a message and audited as denied; an admin is audited ok', async () => {
      for (const role of ['viewer', 'producer'] as const) {
        const c = await as(role);
        const name = uniqueName('k-nope');
        const res = await c.request<createTopics.CreateTopicsResponse>(KEY.createTopics, 5, createTopicsBody(name));
        expect(res.topics[0]).toMatchObject({ name, errorCode: CODE.TOPIC_AUTHORIZATION_FAILED });
        expect(res.topics[0].errorMessage).toMatch(new RegExp(`Role ${role}`));
        await expect(env.broker.describeTopic(name)).rejects.toThrow();
        const alter = await c.request<{ responses: Array<{ errorCode: number; resourceType: number }> }>(KEY.alterConfigs, 1, {
          resources: [
            { resourceType: 2, resourceName: topic, configs: [] },
            { resourceType: 4, resourceName: String(env.nodeId), configs: [] },
          ],
          validateOnly: true,
        });
        expect(alter.responses.map((r) => r.errorCode)).toEqual([CODE.TOPIC_AUTHORIZATION_FAILED, CODE.CLUSTER_AUTHORIZATION_FAILED]);
        const del = await c.request<{ results: Array<{ errorCode: number }> }>(KEY.deleteGroups, 2, { groupsNames: ['g1'] });
        expect(del.results[0].errorCode).toBe(CODE.GROUP_AUTHORIZATION_FAILED);
        const denied = await audit('kafka.CreateTopics', users[role]);
        expect(denied).toContainEqual(
          expect.objectContaining({
            target: name,
            outcome: 'denied',
            actorKind: 'user',
            address: expect.stringMatching(/^(::ffff:)?127\./),
          }),
        );
        c.close();
      }
      const admin = await as('admin', 'SCRAM-SHA-512');
      const name = uniqueName('k-yes');
      const res = await admin.request<createTopics.CreateTopicsResponse>(KEY.createTopics, 5, createTopicsBody(name));
      expect(res.topics[0].errorCode).toBe(0);
      expect((await env.broker.describeTopic(name)).name).toBe(name);
      const again = await admin.request<createTopics.CreateTopicsResponse>(KEY.createTopics, 5, createTopicsBody(name));
      expect(again.topics[0].errorCode).toBe(36);
      const lines = await audit('kafka.CreateTopics', users.admin);
      expect(lines.filter((l) => l.target === name).map((l) => l.outcome)).toEqual(['failed', 'ok']);
      admin.close();
    });

    it('Metadata auto-creation needs admin: TOPIC_AUTHORIZATION_FAILED for the others, as Kafka answers without CREATE', async () => {
      const name = uniqueName('k-auto');
      const producer = await as('producer');
      const refused = await producer.request<metadata.MetadataResponse>(KEY.metadata, 12, metadataBody([name], true));
      expect(refused.topics[0]).toMatchObject({ name, errorCode: CODE.TOPIC_AUTHORIZATION_FAILED });
      await expect(env.broker.describeTopic(name)).rejects.toThrow();
      const admin = await as('admin');
      const created = await admin.request<metadata.MetadataResponse>(KEY.metadata, 12, metadataBody([name], true));
      expect(created.topics[0]).toMatchObject({ name, errorCode: 0 });
      producer.close();
      admin.close();
    });
  });
});

describe('Kafka listener with auth on: a connection follows the store (pglite)', () => {
  let clock = Date.now();
  let env: KafkaTestBroker;
  kafkaTestBroker(
    'pglite',
    (e) => {
      env = e;
    },
    { auth: { mode: 'on' }, now: () => clock },
  );

  it('a changed role applies, and a removed user or a revoked or expired token is closed, within a minute', async () => {
    const actor = { principal: env.broker.auth.anonymous(), address: null };
    const [changed, removed] = [uniqueName('k-chg'), uniqueName('k-rm')];
    await env.broker.auth.users.add({ name: changed, password: PASSWORD, role: 'producer' }, actor);
    await env.broker.auth.users.add({ name: removed, password: PASSWORD, role: 'producer' }, actor);
    const [revoked, expiring] = [uniqueName('k-rev'), uniqueName('k-exp')];
    const { token: revokedToken } = await env.broker.auth.tokens.create({ name: revoked, role: 'producer' }, actor);
    const { token: expiringToken } = await env.broker.auth.tokens.create({ name: expiring, role: 'producer', expiresInDays: 1 }, actor);
    const topic = uniqueName('k-follow');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    const login = async (mechanism: 'PLAIN' | 'SCRAM-SHA-256', name: string, password: string) => {
      const c = await KafkaTestClient.connect(env.host, env.port, { localAddress: randomLoopback() });
      expect((await c.login(mechanism, name, password)).errorCode).toBe(0);
      return c;
    };
    const clients = {
      changed: await login('PLAIN', changed, PASSWORD),
      removed: await login('SCRAM-SHA-256', removed, PASSWORD),
      revoked: await login('PLAIN', 'any', revokedToken),
      expiring: await login('SCRAM-SHA-256', expiring, expiringToken),
    };
    const produceCode = async (c: KafkaTestClient) =>
      (await c.request<produce.ProduceResponse>(KEY.produce, 9, produceBody(topic, 'x'))).responses[0].partitionResponses[0].errorCode;
    for (const c of Object.values(clients)) expect(await produceCode(c)).toBe(0);

    await env.broker.auth.users.setRole(changed, 'viewer', actor);
    await env.broker.auth.users.remove(removed, actor);
    await env.broker.auth.tokens.revoke(revoked, actor);
    // Within the minute nothing is re-read: the connections still act as they logged in.
    clock += 30_000;
    expect(await produceCode(clients.changed)).toBe(0);
    expect(await produceCode(clients.removed)).toBe(0);
    clock += 31_000;
    expect(await produceCode(clients.changed)).toBe(CODE.TOPIC_AUTHORIZATION_FAILED);
    expect(clients.changed.closed).toBe(false);
    for (const c of [clients.removed, clients.revoked]) {
      await expect(produceCode(c)).rejects.toThrow(/closed/);
      await c.whenClosed;
    }
    expect(await produceCode(clients.expiring)).toBe(0);
    clock += 2 * 86_400_000;
    await expect(produceCode(clients.expiring)).rejects.toThrow(/closed/);
    clients.changed.close();
  });

  it('a token revoked and made again under its name, or a changed password, closes the connections of the old credential', async () => {
    const actor = { principal: env.broker.auth.anonymous(), address: null };
    const [tokenName, user] = [uniqueName('k-rot'), uniqueName('k-pw')];
    const { token: old } = await env.broker.auth.tokens.create({ name: tokenName, role: 'producer' }, actor);
    await env.broker.auth.users.add({ name: user, password: PASSWORD, role: 'producer' }, actor);
    const topic = uniqueName('k-rotate');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    const connect = async (mechanism: 'PLAIN' | 'SCRAM-SHA-256', name: string, password: string) => {
      const c = await KafkaTestClient.connect(env.host, env.port, { localAddress: randomLoopback() });
      expect((await c.login(mechanism, name, password)).errorCode).toBe(0);
      return c;
    };
    const byToken = await connect('SCRAM-SHA-256', tokenName, old);
    const byPassword = await connect('PLAIN', user, PASSWORD);
    const produceCode = async (c: KafkaTestClient) =>
      (await c.request<produce.ProduceResponse>(KEY.produce, 9, produceBody(topic, 'x'))).responses[0].partitionResponses[0].errorCode;
    for (const c of [byToken, byPassword]) expect(await produceCode(c)).toBe(0);
    await env.broker.auth.tokens.revoke(tokenName, actor);
    await env.broker.auth.tokens.create({ name: tokenName, role: 'producer' }, actor); // the usual rotation
    await env.broker.auth.users.setPassword(user, `${PASSWORD}-new`, actor);
    clock += 61_000;
    for (const c of [byToken, byPassword]) {
      await expect(produceCode(c)).rejects.toThrow(/closed/);
      await c.whenClosed;
    }
  });
});

// DescribeConfigs reports advertised.listeners with the security protocol of the listener asked, as Kafka
// clients must configure it: PLAINTEXT (auth off), SASL_PLAINTEXT (auth on), SASL_SSL (auth on and TLS).

import { ConfigResourceTypes, Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '@/db/testing';
import { makeTestCertificate } from '@/server/serve/test-certificate';
import { type KafkaTestBroker, kafkaTestBroker } from '../testing';

const PASSWORD = 'a long enough password';
const cert = makeTestCertificate();
afterAll(() => cert.remove());

describe.each([
  ['PLAINTEXT', false, false],
  ['SASL_PLAINTEXT', true, false],
  ['SASL_SSL', true, true],
] as const)('advertised.listeners on a %s listener (pglite)', (protocol, auth, tls) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(
    'pglite',
    (e) => {
      env = e;
    },
    { auth: { mode: auth ? 'on' : 'off' }, tls: tls ? { cert: cert.cert, key: cert.key } : undefined },
  );
  const user = uniqueName('dc-admin');
  beforeAll(async () => {
    if (auth)
      await env.broker.auth.users.add(
        { name: user, password: PASSWORD, role: 'admin' },
        { principal: env.broker.auth.anonymous(), address: null },
      );
  });

  it(`is ${protocol}://host:port`, async () => {
    const kafka = new Kafka({
      clientId: 'dc-protocol',
      brokers: [env.bootstrap],
      logLevel: logLevel.NOTHING,
      sasl: auth ? ({ mechanism: 'scram-sha-256', username: user, password: PASSWORD } as SASLOptions) : undefined,
      ssl: tls ? { ca: [cert.ca] } : undefined,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.BROKER, name: String(env.nodeId), configNames: ['advertised.listeners'] }],
        includeSynonyms: false,
      });
      expect(described.resources[0].configEntries.map((e) => e.configValue)).toEqual([`${protocol}://${env.host}:${env.port}`]);
    } finally {
      await admin.disconnect();
    }
  });
});

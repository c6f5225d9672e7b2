import { describe, expect, it } from 'vitest';
import { testBackends } from '@/db/testing';
import { apiVersions } from './protocol';
import { KafkaTestClient } from './test-client';
import { type KafkaTestBroker, kafkaTestBroker, rawClientPerTest } from './testing';

const API_VERSIONS = 18;

describe.each(testBackends())('Kafka dispatcher (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(backend, (e) => {
    env = e;
  });
  let client: KafkaTestClient;
  rawClientPerTest(
    () => env,
    (c) => (client = c),
  );

  it.each([0, 1, 2, 3])('answers ApiVersions v%i with the registry, ApiVersions 0-3 included', async (version) => {
    const body = version >= 3 ? { clientSoftwareName: 'brook-test', clientSoftwareVersion: '1.0' } : {};
    const res = await client.request<apiVersions.ApiVersionsResponse>(API_VERSIONS, version, body);
    expect(res.errorCode).toBe(0);
    expect(res.apiKeys).toContainEqual({ apiKey: API_VERSIONS, minVersion: 0, maxVersion: 3 });
    expect(new Set(res.apiKeys.map((a) => a.apiKey)).size).toBe(res.apiKeys.length);
  });

  it('answers an ApiVersions version it does not serve with a v0 body, UNSUPPORTED_VERSION and the full list', async () => {
    // A v4 request as a newer client would send it (flexible header v2): only the first 8 bytes are read.
    const frame = client.frame(API_VERSIONS, 3, { clientSoftwareName: 'future', clientSoftwareVersion: '9' });
    frame.writeInt16BE(4, 6); // api version, after the 4-byte size
    const answer = await client.sendRaw(frame);
    const res = apiVersions.decodeApiVersionsResponse(new (await import('./protocol')).Reader(answer.subarray(4)), 0);
    expect(answer.readInt32BE(0)).toBe(frame.readInt32BE(8)); // correlation id echoed
    expect(res.errorCode).toBe(35);
    expect(res.apiKeys).toContainEqual({ apiKey: API_VERSIONS, minVersion: 0, maxVersion: 3 });
  });

  it('closes only the connection that sends an API it does not serve or bytes it cannot parse', async () => {
    const other = await KafkaTestClient.connect(env.host, env.port);
    try {
      const unknown = client.frame(API_VERSIONS, 0, {});
      unknown.writeInt16BE(999, 4); // api key
      await expect(client.sendRaw(unknown)).rejects.toThrow(/closed/);

      const third = await KafkaTestClient.connect(env.host, env.port);
      const truncated = third.frame(API_VERSIONS, 3, { clientSoftwareName: 'x', clientSoftwareVersion: 'y' });
      const cut = Buffer.concat([Buffer.from([0, 0, 0, 14]), truncated.subarray(4, 18)]);
      await expect(third.sendRaw(cut)).rejects.toThrow(/closed/);

      const res = await other.request<apiVersions.ApiVersionsResponse>(API_VERSIONS, 2, {});
      expect(res.errorCode).toBe(0);
    } finally {
      other.close();
    }
  });

  it('with auth off has no SASL, as a PLAINTEXT Kafka listener: ILLEGAL_SASL_STATE, and the connection stays usable', async () => {
    const versions = await client.request<apiVersions.ApiVersionsResponse>(API_VERSIONS, 3, {
      clientSoftwareName: 'x',
      clientSoftwareVersion: '1',
    });
    expect(versions.apiKeys).toContainEqual({ apiKey: 17, minVersion: 0, maxVersion: 1 });
    expect(versions.apiKeys).toContainEqual({ apiKey: 36, minVersion: 0, maxVersion: 2 });
    expect(await client.handshake('PLAIN')).toEqual({ errorCode: 34, mechanisms: [] });
    const auth = await client.saslAuthenticate(Buffer.from('\0u\0p'));
    expect(auth.errorCode).toBe(34);
    expect(auth.errorMessage).toMatch(/BROOK_AUTH/);
    expect(
      (await client.request<{ brokers: unknown[] }>(3, 12, { topics: [], allowAutoTopicCreation: false })).brokers.length,
    ).toBeGreaterThan(0);
    expect(client.closed).toBe(false);
  });
});

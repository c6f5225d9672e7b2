import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@/server/broker/testing';
import { KafkaTestClient } from '@/server/kafka/test-client';
import { buildServerForTests, startServerChild } from '@/server/serve/spawn-server';
import { TestClient } from './testing';

/** The Kafka listener inside the real server process (server/main.ts, built): start-up, registry, shutdown. */
let entry = '';
const dirs: string[] = [];
const dataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-kafka-'));
  dirs.push(dir);
  return path.join(dir, 'pglite');
};

beforeAll(() => {
  entry = buildServerForTests();
});
afterAll(() => {
  if (entry) fs.rmSync(entry, { force: true });
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('the Kafka listener in the server process', () => {
  it('an explicitly configured address that is taken stops start-up: exit 1, database closed', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const server = await startServerChild(entry, { BROOK_DATA_DIR: dataDir(), BROOK_KAFKA_LISTENER: `127.0.0.1:${port}` });
      expect(await server.exited).toBe(1);
      expect(server.log()).toContain(
        `[brook] cannot start: cannot listen for Kafka clients on 127.0.0.1:${port} (BROOK_KAFKA_LISTENER): port ${port} was taken`,
      );
      expect(server.log()).toContain('[brook] database closed');
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('listens, registers a node id and its connections for the overview, and stops with a connection open', async () => {
    const server = await startServerChild(entry, { BROOK_DATA_DIR: dataDir(), BROOK_KAFKA_LISTENER: '127.0.0.1:0' });
    try {
      await until(() => /Kafka listener on 127\.0\.0\.1:\d+/.test(server.log()), 'the Kafka listener line');
      const port = Number(/Kafka listener on 127\.0\.0\.1:(\d+)/.exec(server.log())?.[1]);
      const idle = await TestClient.connect(port);

      type Described = {
        result: { data: { instances: { kafka: { state: string; advertised: string; nodeId: number; connections: number } }[] } };
      };
      const kafka = async () =>
        ((await (await fetch(`${server.url}/api/trpc/clusters.describe`)).json()) as Described).result.data.instances[0].kafka;
      expect(await kafka()).toMatchObject({ state: 'listening', advertised: `127.0.0.1:${port}`, nodeId: expect.any(Number) });

      // The built server answers Kafka requests through the real dispatcher.
      const client = await KafkaTestClient.connect('127.0.0.1', port);
      const versions = await client.request<{ errorCode: number; apiKeys: { apiKey: number }[] }>(18, 3, {
        clientSoftwareName: 'brook-test',
        clientSoftwareVersion: '1',
      });
      expect(versions.errorCode).toBe(0);
      expect(versions.apiKeys.map((a) => a.apiKey)).toContain(18);
      client.close();

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      await idle.closed; // closed by the server on stop, before the database
      const log = server.log();
      expect(log.indexOf('[brook] closing the database')).toBeGreaterThan(-1);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });
});

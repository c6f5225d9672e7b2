import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@/server/broker/testing';
import { parseEnv } from '@/server/env';
import { advertisedAddress, formatHostPort, parseHostPort } from './address';
import { KafkaListenError, kafkaListenerConfig, type StartedKafkaListener, startKafkaListener } from './start';
import { requestId, TestClient, testDispatcher, testRequest } from './testing';

describe('starting the Kafka listener', () => {
  let taken: net.Server;
  let takenPort = 0;
  beforeAll(async () => {
    taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    takenPort = (taken.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  const start = (listener: Parameters<typeof startKafkaListener>[0]['listener'], logged: string[], advertised?: string) =>
    startKafkaListener({ listener, advertised: advertised ? (parseHostPort(advertised) ?? undefined) : undefined }, testDispatcher(), {
      log: (l) => logged.push(l),
      defaultAddress: { host: '127.0.0.1', port: takenPort },
    });

  it('without BROOK_KAFKA_LISTENER, a taken default port means no listener, said in the log and the report', async () => {
    const logged: string[] = [];
    const started = await start(undefined, logged);
    expect(started.listener).toBeNull();
    expect(started.report).toEqual({ state: 'unavailable', reason: `port ${takenPort} was taken` });
    expect(logged).toEqual([expect.stringContaining(`Kafka listener not started: port ${takenPort} was taken on 127.0.0.1:${takenPort}`)]);
  });

  it('an explicitly configured address that cannot bind stops start-up with a message naming the variable', async () => {
    const err = await start({ host: '127.0.0.1', port: takenPort }, []).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KafkaListenError);
    expect((err as Error).message).toBe(
      `cannot listen for Kafka clients on 127.0.0.1:${takenPort} (BROOK_KAFKA_LISTENER): port ${takenPort} was taken`,
    );
  });

  it('off starts nothing', async () => {
    const logged: string[] = [];
    expect(await start('off', logged)).toEqual({ listener: null, report: { state: 'off' } });
    expect(logged[0]).toContain('Kafka listener off');
  });

  it('listens on an explicit address (port 0: a free one), advertises it, and reports its connections live', async () => {
    const logged: string[] = [];
    let started: StartedKafkaListener | null = null;
    try {
      started = await start({ host: '127.0.0.1', port: 0 }, logged);
      const report = started.report;
      if (report.state !== 'listening') throw new Error(`not listening: ${report.state}`);
      const port = Number(report.listener.split(':')[1]);
      expect(port).toBeGreaterThan(0);
      expect(report.advertised).toBe(`127.0.0.1:${port}`);
      expect(report.connections()).toBe(0);
      const c = await TestClient.connect(port);
      c.send(testRequest('E', 5));
      expect(requestId(await c.next())).toBe(5);
      expect(report.connections()).toBe(1);
      c.close();
      await until(() => report.connections() === 0, 'the connection counted out');
    } finally {
      await started?.listener?.stop(1000);
    }
    const withAdvertised = await start({ host: '127.0.0.1', port: 0 }, logged, 'kafka.internal:19092');
    await withAdvertised.listener?.stop(1000);
    expect(withAdvertised.report).toMatchObject({ advertised: 'kafka.internal:19092' });
    expect(logged.at(-1)).toMatch(/^\[brook\] Kafka listener on 127\.0\.0\.1:\d+, advertised as kafka\.internal:19092$/);
  });

  it('advertises the machine name for a wildcard bind, and formats IPv6 in brackets', () => {
    expect(advertisedAddress({ host: '0.0.0.0', port: 9092 }, undefined, 'box1')).toEqual({ host: 'box1', port: 9092 });
    expect(advertisedAddress({ host: '::', port: 9092 }, undefined, 'box1')).toEqual({ host: 'box1', port: 9092 });
    expect(advertisedAddress({ host: '0.0.0.0', port: 9092 }, { host: 'k', port: 1 }, 'box1')).toEqual({ host: 'k', port: 1 });
    expect(advertisedAddress({ host: '10.0.0.5', port: 9092 }, undefined, 'box1')).toEqual({ host: '10.0.0.5', port: 9092 });
    expect(formatHostPort({ host: '::1', port: 9092 })).toBe('[::1]:9092');
    expect(parseHostPort('[::1]:9092')).toEqual({ host: '::1', port: 9092 });
    expect(parseHostPort('localhost:0')).toBeNull();
    expect(parseHostPort('localhost:0', 0)).toEqual({ host: 'localhost', port: 0 });
    expect(parseHostPort('a b:1')).toBeNull();
  });
});

describe('the listener limits from the environment', () => {
  it('BROOK_KAFKA_MAX_CONNS_PER_IP caps one address on a started listener; the others map to their options', async () => {
    const env = parseEnv({
      BROOK_KAFKA_LISTENER: '127.0.0.1:0',
      BROOK_KAFKA_MAX_CONNS_PER_IP: '2',
      BROOK_KAFKA_MAX_CONNECTIONS: '50',
      BROOK_KAFKA_PREAUTH_MAX_BYTES: '65536',
      BROOK_KAFKA_AUTH_TIMEOUT_MS: '3000',
    });
    const config = kafkaListenerConfig(env);
    expect(config).toMatchObject({ maxConnectionsPerIp: 2, maxConnections: 50, preAuthMaxFrameBytes: 65_536, authTimeoutMs: 3000 });
    expect(() => parseEnv({ BROOK_KAFKA_MAX_CONNS_PER_IP: '0' })).toThrow(/BROOK_KAFKA_MAX_CONNS_PER_IP/);
    const started = await startKafkaListener(config, testDispatcher(), { log: () => {} });
    const port = Number(started.report.state === 'listening' ? started.report.listener.split(':')[1] : 0);
    const clients: TestClient[] = [];
    // One after the other, so that the third is the one past the cap.
    for (let i = 0; i < 3; i++) clients.push(await TestClient.connect(port));
    try {
      await clients[2].closed;
      clients[0].send(testRequest('E', 1));
      expect(requestId(await clients[0].next())).toBe(1);
    } finally {
      for (const c of clients) c.close();
      await started.listener?.stop(500);
    }
  });
});

import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Database } from '@/db/client';
import { type Backend, openTestDatabase } from '@/db/testing';
import { type Broker, type BrokerOptions, createBroker, type KafkaListenerReport } from '@/server/broker';
import { DEFAULT_KAFKA_SETTINGS, type KafkaSettings } from './handlers/types';
import { createKafkaDispatcher } from './index';
import { KafkaListener, type KafkaTlsOptions } from './listener/listener';
import { KafkaTestClient } from './test-client';

export interface KafkaTestBroker {
  db: Database;
  broker: Broker;
  listener: KafkaListener;
  host: string;
  port: number;
  /** `host:port`, what kafkajs's `brokers` and kcat's `-b` take. */
  bootstrap: string;
  /** This instance's Kafka node id. */
  nodeId: number;
}

/**
 * A test engine with a real Kafka listener on an ephemeral port and the real dispatcher, for the enclosing
 * describe block (like testBroker). On Postgres every call shares the run's database, so two calls in one
 * block are two Brook instances of one cluster.
 */
export function kafkaTestBroker(backend: Backend, use: (env: KafkaTestBroker) => void, options: KafkaTestBrokerOptions = {}): void {
  let env: KafkaTestBroker | null = null;
  beforeAll(async () => {
    env = await startKafkaTestBroker(backend, options);
    use(env);
  });
  afterAll(async () => {
    if (env) await stopKafkaTestBroker(env);
  });
}

/** The engine's options, the Kafka handlers' settings, and `tls` for a listener that speaks TLS (SSL/SASL_SSL). */
export type KafkaTestBrokerOptions = BrokerOptions & { kafka?: Partial<KafkaSettings>; tls?: KafkaTlsOptions };

/** On a fresh test database of `backend`, or on a migrated database the test opened itself (a private cluster). */
export async function startKafkaTestBroker(backend: Backend | Database, options: KafkaTestBrokerOptions = {}): Promise<KafkaTestBroker> {
  const db = typeof backend === 'string' ? await openTestDatabase(backend) : backend;
  const broker = createBroker(db, options);
  await broker.start();
  let report: KafkaListenerReport | null = null;
  const listener = new KafkaListener({
    dispatcher: createKafkaDispatcher(broker, () => report, { ...DEFAULT_KAFKA_SETTINGS, ...options.kafka }),
    tls: options.tls,
  });
  const { port } = await listener.listen('127.0.0.1', 0);
  const bootstrap = `127.0.0.1:${port}`;
  report = { state: 'listening', listener: bootstrap, advertised: bootstrap, connections: () => listener.connectionCount };
  const nodeId = await broker.stats.reportKafkaListener(report);
  if (nodeId === null) throw new Error('no Kafka node id');
  return { db, broker, listener, host: '127.0.0.1', port, bootstrap, nodeId };
}

export async function stopKafkaTestBroker(env: KafkaTestBroker): Promise<void> {
  // Leave the cluster first: test files running beside this one on the same database must not be told
  // (for up to INSTANCE_ALIVE_MS) to connect to a listener that is gone.
  await env.broker.stats.reportKafkaListener({ state: 'off' });
  await env.listener.stop(1_000);
  await env.broker.close();
  await env.db.close();
}

/** A raw client (test-client.ts) connected to `env()`'s listener before each test of the block, closed after. */
export function rawClientPerTest(env: () => KafkaTestBroker, use: (client: KafkaTestClient) => void): void {
  let client: KafkaTestClient | null = null;
  beforeEach(async () => {
    client = await KafkaTestClient.connect(env().host, env().port);
    use(client);
  });
  afterEach(() => client?.close());
}

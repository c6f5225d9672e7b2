import { afterAll, beforeAll, expect } from 'vitest';
import type { Database } from '@/db/client';
import { type Backend, openTestDatabase } from '@/db/testing';
import { isBrokerError, type KafkaErrorName } from './errors';
import { type Broker, type BrokerOptions, createBroker } from './index';

/**
 * Test support: a broker on a fresh test database for the enclosing describe block. `use` receives it
 * before the tests run (assign it to the block's variables); it is closed after them.
 */
export function testBroker(
  backend: Backend,
  use: (env: { db: Database; broker: Broker }) => void,
  options: BrokerOptions & { start?: boolean } = {},
): void {
  let env: { db: Database; broker: Broker } | null = null;
  beforeAll(async () => {
    const db = await openTestDatabase(backend);
    const broker = createBroker(db, options);
    if (options.start) await broker.start();
    env = { db, broker };
    use(env);
  });
  afterAll(async () => {
    await env?.broker.close();
    await env?.db.close();
  });
}

/** Awaits `p` and checks it failed with Kafka error `name`; returns the error. */
export async function expectKafkaError(p: Promise<unknown>, name: KafkaErrorName) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected ${name}`).not.toBeNull();
  if (!isBrokerError(err)) throw err;
  expect(err.kafkaName).toBe(name);
  return err;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `cond` every 50 ms until it holds; fails naming `what` after `timeoutMs` (a bound, not a measurement). */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// The flood scenarios of attacks.ts against a real listener and engine, auth on and off (PGlite): 1,000 idle
// connections, one address past its cap, an oversized frame before authentication, six sockets sending
// 90 MiB of a 100 MB frame, while a kafkajs client produces and consumes within 2 s. Prints the figures.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '@/db/testing';
import { type KafkaTestBroker, startKafkaTestBroker, stopKafkaTestBroker } from '../testing';
import { kafkaFloods } from './attacks';

const PASSWORD = 'bystander password';

describe.each([
  ['on', true],
  ['off', false],
] as const)('Kafka floods with auth %s (pglite)', (mode, authOn) => {
  let env: KafkaTestBroker;
  let topic: string;
  const user = uniqueName('bystander');
  beforeAll(async () => {
    env = await startKafkaTestBroker('pglite', { auth: { mode } });
    topic = uniqueName('flood');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    if (authOn)
      await env.broker.auth.users.add(
        { name: user, password: PASSWORD, role: 'producer' },
        { principal: env.broker.auth.anonymous(), address: null },
      );
  });
  afterAll(async () => {
    if (env) await stopKafkaTestBroker(env);
  });

  it('holds: idle connections time out unauthenticated, one address is capped, half-frames stay in the budget', {
    timeout: 120_000,
  }, async () => {
    const figures = await kafkaFloods({
      kafkaPort: env.port,
      authOn,
      bystander: { topic, sasl: authOn ? { mechanism: 'scram-sha-256', username: user, password: PASSWORD } : undefined },
      rss: () => process.memoryUsage.rss(),
    });
    console.log(`[attack] auth ${mode}: ${JSON.stringify(figures)}`);
    expect(figures.idle.refused).toBe(0);
    expect(figures.perIp.refused).toBeGreaterThanOrEqual(50);
    if (authOn) {
      expect(figures.idle.openAfterDeadline).toBe(0);
      expect(figures.oversizedPreAuth?.closed).toBe(true);
      // Refused at the size prefix: nothing near 90 MiB was taken from any socket.
      expect(Math.max(...figures.halfFrames.sentBytes)).toBeLessThan(16 * 1_048_576);
    }
    expect(figures.halfFrames.rssPeakMiB - figures.halfFrames.rssBeforeMiB).toBeLessThan(300);
    expect(figures.halfFrames.bystanderMs).toBeLessThan(2000);
  });
});

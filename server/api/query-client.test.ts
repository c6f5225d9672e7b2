import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { isPermanentError, retryQuery } from './query-client';
import type { AppRouter } from './root';
import { startTestServer } from './test-server';

/** The console's queries retry what can change (network, 5xx), never what cannot (unknown names, bad input). */
describe.each(testBackends())('query retry policy against the real API on %s', (backend) => {
  let broker: Broker;
  let server: { url: string; close(): Promise<void> };
  let client: ReturnType<typeof createTRPCClient<AppRouter>>;
  testBroker(backend, (env) => ({ broker } = env));
  beforeAll(async () => {
    server = await startTestServer(broker);
    client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/api/trpc` })] });
  });
  afterAll(() => server.close());

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e,
    );

  it.each([
    ['an unknown topic', (c: typeof client) => c.topics.get.query({ name: uniqueName('nope') }), 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['an unknown group', (c: typeof client) => c.groups.describe.query({ groupId: uniqueName('nope') }), 'GROUP_ID_NOT_FOUND'],
    ['input the schema refuses', (c: typeof client) => c.topics.get.query({ name: 42 as unknown as string }), 'INVALID_REQUEST'],
  ])('does not retry %s', async (_what, call, kafkaName) => {
    const err = await failure(call(client));
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<AppRouter>).data?.kafka?.name).toBe(kafkaName);
    expect(isPermanentError(err)).toBe(true);
    expect(retryQuery(0, err)).toBe(false);
  });

  it('retries a refused connection, up to 3 times', async () => {
    const dead = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://127.0.0.1:9/api/trpc' })] });
    const err = await failure(dead.topics.list.query());
    expect(isPermanentError(err)).toBe(false);
    expect(retryQuery(0, err)).toBe(true);
    expect(retryQuery(2, err)).toBe(true);
    expect(retryQuery(3, err)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { testBackends } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { Brook, isBrookError } from '@/server/client';
import type { Principal } from '@/server/kernel/auth-types';
import { EXAMPLE_PRINCIPAL } from './credentials';
import { inProcessFetch } from './handler';

const principal = (role: Principal['role']): Principal => ({ kind: 'user', name: `a-${role}`, role, hidePayloads: false });

/**
 * The examples reach Brook only through in-process clients: as their own services (a producer, nothing
 * more) and as the caller who asked (their role, nothing more). Both pass the same role checks as a socket's.
 */
describe.each(testBackends())('the API in-process on %s', (backend) => {
  let broker: Broker;
  testBroker(backend, (env) => ({ broker } = env), { start: true });

  const adminAs = (p: Principal | null) => new Brook({ url: 'http://localhost', fetch: inProcessFetch(broker, p), retry: false }).admin();
  const refusal = async (p: Principal | null, topic: string) => {
    try {
      await adminAs(p).createTopics({ topics: [{ topic }] });
      return null;
    } catch (err) {
      if (!isBrookError(err)) throw err;
      return { name: err.kafkaName, status: err.httpStatus };
    }
  };

  it('acts with the principal it is given: an admin creates; the examples and a viewer are refused and change nothing', async () => {
    expect(await refusal(principal('admin'), 'ip-admin')).toBeNull();
    expect(await refusal(EXAMPLE_PRINCIPAL, 'ip-examples')).toEqual({ name: 'TOPIC_AUTHORIZATION_FAILED', status: 403 });
    expect(await refusal(principal('viewer'), 'ip-viewer')).toEqual({ name: 'TOPIC_AUTHORIZATION_FAILED', status: 403 });
    const names = (await broker.listTopics()).map((t) => t.name);
    expect(names).toContain('ip-admin');
    expect(names).not.toContain('ip-examples');
    expect(names).not.toContain('ip-viewer');
  });

  it("the examples' principal reads and writes what its services need", async () => {
    await adminAs(principal('admin')).createTopics({ topics: [{ topic: 'ip-rw', numPartitions: 2 }] });
    const brook = new Brook({ url: 'http://localhost', fetch: inProcessFetch(broker, EXAMPLE_PRINCIPAL), retry: false });
    await brook.producer().send({ topic: 'ip-rw', messages: [{ key: 'k', value: 'v', partition: 1 }] });
    expect((await brook.admin().describeTopic('ip-rw')).partitionDetails.map((p) => p.highWatermark)).toEqual([0, 1]);
    const page = await brook.fetch({ topic: 'ip-rw', partition: 1, offset: 0, encoding: 'utf8' });
    expect(page.records.map((r) => [r.key, r.value])).toEqual([['k', 'v']]);
  });
});

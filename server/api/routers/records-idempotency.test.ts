import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { snapshotState, testBackends, uniqueName } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { handleApiRequest } from '../edge/handler';
import { callApi } from '../test-server';

/** records.produce through the whole HTTP edge, with extra request headers. */
async function produce(broker: Broker, input: unknown, headers: Record<string, string> = {}) {
  const req = new Request('http://localhost:3000/api/trpc/records.produce', {
    method: 'POST',
    headers: { host: 'localhost:3000', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
  const res = await handleApiRequest(req, async () => broker);
  return { status: res.status, body: await res.json() };
}

describe.each(testBackends())('records.produce with an idempotency key over HTTP on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  testBroker(backend, (env) => {
    db = env.db;
    broker = env.broker;
  });

  it('takes the key in the input or in the Idempotency-Key header; a retry answers the first offsets', async () => {
    const topic = uniqueName('idem-http');
    await broker.createTopic({ name: topic, partitions: 2 });
    const records = [{ value: 'a' }, { value: 'b', partition: 1 }];
    const first = await callApi(broker, 'POST', 'records.produce', { topic, records, idempotencyKey: 'req-1' });
    expect(first.status).toBe(200);
    const before = await snapshotState(db);
    // The same request again, its key now in the header (and both, equal): the first answer, nothing written.
    const byHeader = await produce(broker, { topic, records }, { 'idempotency-key': 'req-1' });
    expect(byHeader.status).toBe(200);
    expect(byHeader.body.result.data).toEqual(first.body.result.data);
    const both = await produce(broker, { topic, records, idempotencyKey: 'req-1' }, { 'Idempotency-Key': 'req-1' });
    expect(both.body.result.data).toEqual(first.body.result.data);
    // The same records sent base64-encoded are the same request.
    const b64 = records.map((r) => ({ ...r, value: Buffer.from(r.value).toString('base64') }));
    const encoded = await produce(broker, { topic, records: b64, encoding: 'base64' }, { 'idempotency-key': 'req-1' });
    expect(encoded.body.result.data).toEqual(first.body.result.data);
    expect(await snapshotState(db)).toBe(before);
  });

  it('refuses a reused key with another body (409 DUPLICATE_RESOURCE), a bad key, and two different keys (400)', async () => {
    const topic = uniqueName('idem-http');
    await broker.createTopic({ name: topic, partitions: 1 });
    await produce(broker, { topic, records: [{ value: 'a' }] }, { 'idempotency-key': 'k' });
    const before = await snapshotState(db);
    const reused = await produce(broker, { topic, records: [{ value: 'other' }] }, { 'idempotency-key': 'k' });
    expect(reused.status).toBe(409);
    expect(reused.body.error.data.kafka).toMatchObject({ name: 'DUPLICATE_RESOURCE', code: 92, retriable: false });
    expect(reused.body.error.message).toMatch(/Idempotency key "k" was already used/);

    const differ = await produce(broker, { topic, records: [{ value: 'a' }], idempotencyKey: 'k' }, { 'idempotency-key': 'j' });
    expect(differ.status).toBe(400);
    expect(differ.body.error.message).toMatch(/differ/);
    for (const bad of ['', 'x'.repeat(129), 'ünï']) {
      const r = await callApi(broker, 'POST', 'records.produce', { topic, records: [{ value: 'a' }], idempotencyKey: bad });
      expect(r.status).toBe(400);
      expect(r.body.error.data.kafka.name).toBe('INVALID_REQUEST');
    }
    const badHeader = await produce(broker, { topic, records: [{ value: 'a' }] }, { 'idempotency-key': 'x'.repeat(129) });
    expect(badHeader.status).toBe(400);
    expect(badHeader.body.error.message).toMatch(/Idempotency-Key header/);
    expect(await snapshotState(db)).toBe(before);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, createAppServer } from '@/server/serve/app-server';
import { bodyBudget } from './guard';

/**
 * The edge as the server applies it to Node's requests (node-request.ts), over real HTTP. Every case
 * here is refused before tRPC runs, so no broker is needed: one that is asked for fails the test.
 */
describe("the edge on Node's requests", () => {
  let app: AppServer;
  let base = '';
  beforeAll(async () => {
    app = createAppServer({ getBroker: () => Promise.reject(new Error('not used')), next: async (_req, res) => void res.end('page') });
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close(100);
  });

  const post = (body: BodyInit, headers: Record<string, string> = {}, path = 'records.produce') =>
    fetch(`${base}/api/trpc/${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('refuses a foreign Host with 421 and a cross-site POST with 403, in tRPC error shape', async () => {
    // fetch() sets Host itself: a raw request names another.
    const foreign = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get(`${base}/api/trpc/topics.list`, { headers: { host: 'evil.example' } }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
    expect(foreign.status).toBe(421);
    expect(JSON.parse(foreign.body).error.data.kafka.name).toBe('CLUSTER_AUTHORIZATION_FAILED');
    const crossSite = await post('{}', { origin: 'http://evil.example' }, 'topics.create?batch=1');
    expect(crossSite.status).toBe(403);
    const batch = await crossSite.json();
    expect(batch).toHaveLength(1);
    expect(batch[0].error.data).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
  });

  it.each(['TRACE', 'PUT', 'DELETE'])('answers %s with 405 (a web Request cannot carry TRACE: this was a 500)', async (method) => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .request(`${base}/api/trpc/topics.list`, { method }, (r) => {
          let body = '';
          r.on('data', (d) => (body += d)).on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        })
        .on('error', reject)
        .end();
    });
    expect(res.status).toBe(405);
    expect(JSON.parse(res.body).error.data.kafka.name).toBe('INVALID_REQUEST');
  });

  it('refuses bytes that are not UTF-8 with 400', async () => {
    const bytes = Buffer.concat([Buffer.from('{"topic":"t","records":[{"value":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]);
    const res = await post(bytes);
    expect(res.status).toBe(400);
    expect((await res.json()).error.data.kafka.name).toBe('INVALID_REQUEST');
  });

  it('refuses a body past the shared budget as retriable (503), and gives the budget back', async () => {
    expect(bodyBudget.take(bodyBudget.bytes - 10)).toBe(true);
    try {
      const res = await post(JSON.stringify({ topic: 't', records: [{ value: 'x'.repeat(100) }] }));
      expect(res.status).toBe(503);
      expect((await res.json()).error.data.kafka).toMatchObject({ name: 'THROTTLING_QUOTA_EXCEEDED', retriable: true });
      expect(bodyBudget.inUse).toBe(bodyBudget.bytes - 10);
    } finally {
      bodyBudget.give(bodyBudget.bytes - 10);
    }
    expect(bodyBudget.inUse).toBe(0);
  });
});

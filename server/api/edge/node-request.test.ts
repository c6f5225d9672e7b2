import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { type AppServer, createAppServer } from '@/server/serve/app-server';
import { BodyCollector } from './body';
import { defaultEdgeLimits } from './guard';
import { readNodeBody } from './node-request';

/**
 * The edge as the server applies it to Node's requests (node-request.ts), over real HTTP, with auth off
 * (the anonymous admin): the caller is resolved before any body is read, so a broker is needed.
 */
describe("the edge on Node's requests", () => {
  let app: AppServer;
  let base = '';
  let broker: Broker;
  testBroker('pglite', (env) => (broker = env.broker));
  beforeAll(async () => {
    app = createAppServer({ getBroker: async () => broker, next: async (_req, res) => void res.end('page') });
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
    // Two other addresses hold all of it (one may hold at most half: the fair share).
    const bodyBudget = defaultEdgeLimits().budget;
    const half = bodyBudget.bytes / 2;
    expect(bodyBudget.take(half, 'address:10.0.0.1')).toBe(true);
    expect(bodyBudget.take(half - 10, 'address:10.0.0.2')).toBe(true);
    try {
      const res = await post(JSON.stringify({ topic: 't', records: [{ value: 'x'.repeat(100) }] }));
      expect(res.status).toBe(503);
      expect((await res.json()).error.data.kafka).toMatchObject({ name: 'THROTTLING_QUOTA_EXCEEDED', retriable: true });
      expect(bodyBudget.inUse).toBe(bodyBudget.bytes - 10);
    } finally {
      bodyBudget.give(half, 'address:10.0.0.1');
      bodyBudget.give(half - 10, 'address:10.0.0.2');
    }
    expect(bodyBudget.inUse).toBe(0);
  });

  it.each([
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'],
    ['application/x-www-form-urlencoded', 'a=1'],
    ['text/plain', '{}'],
  ])('refuses a %s body with 415 (what an HTML form or a no-cors fetch can send)', async (type, body) => {
    const res = await post(body, { 'content-type': type }, 'shop.reset');
    expect(res.status).toBe(415);
    expect((await res.json()).error.data).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', kafka: { name: 'INVALID_REQUEST' } });
  });

  it('takes a mutation with an empty body and no content type as a call without input', async () => {
    const res = await fetch(`${base}/api/trpc/auth.logout`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect((await res.json()).result.data).toEqual({ ok: true });
  });

  it('answers an absolute-form request line and a duplicate Host with 400, never a redirect elsewhere', async () => {
    const { port } = new URL(base);
    const rawAnswer = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1');
        let answer = '';
        socket.on('data', (d: Buffer) => (answer += d));
        socket.once('close', () => resolve(answer));
        socket.once('error', reject);
        socket.write(request);
      });
    const absolute = await rawAnswer(`GET http://evil.example/login HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`);
    expect(absolute).toMatch(/^HTTP\/1\.1 400 /);
    expect(absolute).not.toContain('evil.example');
    const twoHosts = await rawAnswer(`GET /api/health HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nhost: evil.example\r\n\r\n`);
    expect(twoHosts).toMatch(/^HTTP\/1\.1 400 /);
    expect(twoHosts).toContain('more than one Host');
  });
});

describe('readNodeBody', () => {
  it('reads a body that arrived in full before it was asked for (its bytes still wait in the stream)', async () => {
    // What a slow credential lookup does: the whole body is in before the edge reads it. `req.complete` is
    // then true with every byte still buffered; taking that for "nothing left" lost the mutation's input.
    const server = http.createServer(async (req, res) => {
      while (!req.complete) await new Promise((r) => setTimeout(r, 5));
      const read = await readNodeBody(req, new BodyCollector(1024));
      res.end('refusal' in read ? `refused ${read.refusal.status}` : read.text);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{"topic":"t"}' });
      expect(await res.text()).toBe('{"topic":"t"}');
    } finally {
      server.close();
    }
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortable, BrookHttp } from './http';

/**
 * Aborting a request must settle it at once, whatever the body read is doing: a consumer lets go of a
 * revoked partition only after its fetch loop ends, and a fetch that never settles would hold the
 * partition until the broker fences the member.
 */
describe('client HTTP: aborts always settle', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    // Sends the headers and half a JSON body, then stalls: the body never ends.
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"result":{"data":');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('a query whose body stalls rejects when aborted', async () => {
    const client = new BrookHttp({ url });
    const controller = new AbortController();
    const pending = client.query('topics.list', undefined, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow();
  });

  it('a body read that never settles (nodejs/undici#4089) still rejects on abort, and the body is cancelled', async () => {
    let cancelled = false;
    const stuckFetch = (async () => ({
      status: 200,
      body: { cancel: async () => void (cancelled = true) },
      text: () => new Promise<string>(() => {}),
    })) as unknown as typeof fetch;
    const client = new BrookHttp({ url, fetch: stuckFetch });
    const controller = new AbortController();
    const pending = client.query('records.fetch', { topic: 't', partition: 0, offset: 0 }, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toThrow();
    expect(cancelled).toBe(true);
  });

  it('a stream whose next chunk never comes ends when aborted', async () => {
    const stuckFetch = (async () =>
      new Response(new ReadableStream({ pull: () => new Promise<void>(() => {}) }), { status: 200 })) as unknown as typeof fetch;
    const client = new BrookHttp({ url, fetch: stuckFetch });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const consume = async () => {
      for await (const _ of client.subscribe('records.tail', { topic: 't', partition: 0, offset: 0 }, controller.signal)) {
        /* nothing arrives */
      }
    };
    await expect(consume()).rejects.toThrow();
  });

  it('abortable passes results and errors through, and rejects at once when already aborted', async () => {
    await expect(abortable(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(abortable(Promise.reject(new Error('boom')), new AbortController().signal)).rejects.toThrow('boom');
    await expect(abortable(new Promise(() => {}), AbortSignal.abort())).rejects.toThrow();
    await expect(abortable(Promise.resolve('no signal'), undefined)).resolves.toBe('no signal');
  });
});

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
      body: {
        cancel: async () => {
          cancelled = true;
        },
      },
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

/**
 * Transient failures are retried with backoff, bounded; permanent ones are not, and a mutation whose
 * outcome is unknown is repeated only when repeating it is safe (produce: at least once; commit).
 */
describe('client HTTP: retries', () => {
  let server: http.Server;
  let url: string;
  /** What the next answers are: status and Kafka error (null: success). */
  let script: { status: number; kafka?: { name: string; code: number; retriable: boolean } }[] = [];
  let calls: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      calls.push(req.url!.split('?')[0]);
      const next = script.shift() ?? { status: 200 };
      res.writeHead(next.status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          next.status === 200 ? { result: { data: { ok: true } } } : { error: { message: 'not now', data: { kafka: next.kafka } } },
        ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const storage = { status: 503, kafka: { name: 'KAFKA_STORAGE_ERROR', code: 56, retriable: true } };
  const fast = { initialBackoffMs: 1, maxBackoffMs: 5 };
  const reset = (...answers: typeof script) => {
    script = answers;
    calls = [];
  };

  it('retries a query through 503 retriable answers until it succeeds', async () => {
    reset(storage, storage, storage);
    await expect(new BrookHttp({ url, retry: fast }).query('topics.list', undefined)).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(4);
  });

  it('gives up after the attempts allowed, with the last error', async () => {
    reset(...Array.from({ length: 10 }, () => storage));
    await expect(new BrookHttp({ url, retry: { ...fast, attempts: 3 } }).query('topics.list', undefined)).rejects.toMatchObject({
      kafkaName: 'KAFKA_STORAGE_ERROR',
      retriable: true,
      httpStatus: 503,
    });
    expect(calls).toHaveLength(3);
  });

  it('does not retry permanent errors, nor retriable Kafka errors answered as 4xx', async () => {
    reset({ status: 400, kafka: { name: 'INVALID_REQUEST', code: 42, retriable: false } });
    await expect(new BrookHttp({ url, retry: fast }).query('topics.list', undefined)).rejects.toMatchObject({
      kafkaName: 'INVALID_REQUEST',
    });
    reset({ status: 404, kafka: { name: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true } });
    await expect(new BrookHttp({ url, retry: fast }).query('topics.get', { name: 'x' })).rejects.toMatchObject({ httpStatus: 404 });
    expect(calls).toHaveLength(1);
  });

  it('repeats a produce and a commit (at least once; idempotent), not a topic creation whose outcome is unknown', async () => {
    reset(storage);
    await new BrookHttp({ url, retry: fast }).mutate('records.produce', { topic: 't', records: [{ value: 'v' }] });
    expect(calls).toEqual(['/api/trpc/records.produce', '/api/trpc/records.produce']);
    reset(storage);
    await expect(new BrookHttp({ url, retry: fast }).mutate('topics.create', { name: 't', partitions: 1 })).rejects.toMatchObject({
      httpStatus: 503,
    });
    expect(calls).toHaveLength(1);
  });

  it('retries any call whose connection was refused (never sent), within the attempts allowed', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    let attempts = 0;
    const counting = ((input: RequestInfo | URL, init?: RequestInit) => {
      attempts++;
      return fetch(input, init);
    }) as typeof fetch;
    const client = new BrookHttp({ url: `http://127.0.0.1:${port}`, fetch: counting, retry: { ...fast, attempts: 4 } });
    await expect(client.mutate('topics.create', { name: 't', partitions: 1 })).rejects.toThrow(TypeError);
    expect(attempts).toBe(4);
  });

  it('stops retrying at once when aborted during a backoff', async () => {
    reset(...Array.from({ length: 10 }, () => storage));
    const controller = new AbortController();
    const pending = new BrookHttp({ url, retry: { attempts: 10, initialBackoffMs: 60_000, maxBackoffMs: 60_000 } }).query(
      'topics.list',
      undefined,
      controller.signal,
    );
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow();
    expect(calls.length).toBeLessThan(3);
  });
});

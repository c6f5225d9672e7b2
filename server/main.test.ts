import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { createBroker } from '@/server/broker';
import { buildServerForTests, type ServerChild, startServerChild } from '@/server/serve/spawn-server';

/** The one server process as `npm start` runs it: built from today's source, on PGlite in a temp folder. */
let entry = '';
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-main-'));
  dirs.push(dir);
  return dir;
};

beforeAll(() => {
  entry = buildServerForTests();
});
afterAll(() => {
  if (entry) fs.rmSync(entry, { force: true });
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function post(url: string, procedure: string, input: unknown): Promise<{ status: number; body: { result?: { data: unknown } } }> {
  const res = await fetch(`${url}/api/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: await res.json() };
}

async function stop(server: ServerChild): Promise<number | null> {
  if (server.child.exitCode === null) server.child.kill('SIGTERM');
  return server.exited;
}

/** A request with headers fetch will not send (Host), answered as status and text. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      })
      .on('error', reject);
  });
}

/** Streams up to `total` bytes of body (chunked: no Content-Length) until the server answers. */
function streamBody(url: string, total: number): Promise<{ status: number; text: string; sent: number }> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    const chunk = Buffer.alloc(1 << 20, 0x61);
    let sent = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, text, sent });
      });
    });
    req.on('error', () => {}); // the server closes the connection after refusing
    const write = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      if (!answered) req.end();
    };
    write();
  });
}

describe('the server process (server/main.ts)', () => {
  let server: ServerChild;
  beforeAll(async () => {
    server = await startServerChild(entry, { BROOK_DATA_DIR: path.join(tempDir(), 'pglite') });
  });
  afterAll(async () => {
    if (server) await stop(server);
  });

  it('answers readiness and liveness', async () => {
    const ready = await fetch(`${server.url}/api/health`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', database: 'pglite' });
    expect(ready.headers.get('x-frame-options')).toBe('DENY');
    expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('produces and fetches a record through the API', async () => {
    expect((await post(server.url, 'topics.create', { name: 'main-round-trip', partitions: 2 })).status).toBe(200);
    const produced = await post(server.url, 'records.produce', { topic: 'main-round-trip', records: [{ value: 'hello', partition: 1 }] });
    expect(produced).toMatchObject({ status: 200, body: { result: { data: { results: [{ partition: 1, offset: 0 }] } } } });
    const input = encodeURIComponent(JSON.stringify({ topic: 'main-round-trip', partition: 1, offset: 0 }));
    const fetched = await fetch(`${server.url}/api/trpc/records.fetch?input=${input}`);
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toMatchObject({ result: { data: { records: [{ offset: 0, value: 'hello' }], highWatermark: 1 } } });
  });

  it('hands pages to Next', async () => {
    const page = await fetch(`${server.url}/topics`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(await page.text()).toContain('main-round-trip');
  });

  it('refuses a foreign Host on the API, the plain endpoints and pages with 421', async () => {
    for (const p of ['/api/trpc/topics.list', '/api/health', '/api/metrics', '/topics']) {
      const res = await rawGet(`${server.url}${p}`, { host: 'attacker.example' });
      expect({ p, status: res.status }).toEqual({ p, status: 421 });
    }
  });

  it('refuses a 600 MB body with 413 without reading it all', async () => {
    const declared = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${server.url}/api/trpc/records.produce`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(600 * 2 ** 20) },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0)).on('error', reject);
      req.write('{"topic":"x","records":[');
    });
    expect(declared).toBe(413);

    const streamed = await streamBody(`${server.url}/api/trpc/records.produce`, 600 * 2 ** 20);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.text)).toMatchObject({
      error: { data: { code: 'PAYLOAD_TOO_LARGE', kafka: { name: 'RECORD_LIST_TOO_LARGE' } } },
    });
    expect(streamed.sent).toBeLessThan(300 * 2 ** 20);
    // The server still serves afterwards.
    expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
  });
});

describe('SIGTERM during 64 producers and an open event stream', () => {
  it('acknowledged records survive, the stream ends, the process exits and PGlite reopens', async () => {
    const dataDir = path.join(tempDir(), 'pglite');
    const server = await startServerChild(entry, { BROOK_DATA_DIR: dataDir });
    try {
      expect((await post(server.url, 'topics.create', { name: 'sigterm', partitions: 4 })).status).toBe(200);

      const tailInput = encodeURIComponent(JSON.stringify({ topic: 'sigterm' }));
      const stream = await fetch(`${server.url}/api/trpc/records.tailTopic?input=${tailInput}`, {
        headers: { accept: 'text/event-stream' },
      });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toContain('text/event-stream');
      const reader = stream.body?.getReader();
      if (!reader) throw new Error('no stream body');
      let events = '';
      const streamEnded = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return 'ended';
          events += Buffer.from(value).toString();
        }
      })().catch((err: unknown) => `failed: ${String(err)}`);

      // A long-poll on a partition nobody writes to: stopping answers it (200, no records) instead of cutting it.
      expect((await post(server.url, 'topics.create', { name: 'sigterm-idle', partitions: 1 })).status).toBe(200);
      const pollInput = encodeURIComponent(JSON.stringify({ topic: 'sigterm-idle', partition: 0, offset: 0, maxWaitMs: 30_000 }));
      const longPoll = fetch(`${server.url}/api/trpc/records.fetch?input=${pollInput}`).then(
        async (res) => ({ status: res.status, body: await res.json() }),
        (err: unknown) => ({ status: 0, body: String(err) }),
      );

      const acked: { value: string; partition: number; offset: number }[] = [];
      let signalled = false;
      const producer = async (p: number) => {
        for (let n = 0; ; n++) {
          const value = `p${p}-${n}`;
          try {
            const res = await post(server.url, 'records.produce', { topic: 'sigterm', records: [{ value }] });
            if (res.status !== 200) return;
            const data = res.body.result?.data as { results: { partition: number; offset: number }[] };
            acked.push({ value, ...data.results[0] });
          } catch {
            return; // refused or cut off once the server stops: not acknowledged
          }
          if (signalled && n > 1_000) return;
        }
      };
      const producers = Promise.all(Array.from({ length: 64 }, (_, p) => producer(p)));
      while (acked.length < 300) await new Promise((r) => setTimeout(r, 20));
      signalled = true;
      server.child.kill('SIGTERM');

      const bound = new Promise<'still running'>((r) => setTimeout(() => r('still running'), 10_000).unref());
      expect(await Promise.race([server.exited, bound])).toBe(0);
      await producers;
      expect(await streamEnded).toBe('ended');
      expect(await longPoll).toMatchObject({ status: 200, body: { result: { data: { records: [], highWatermark: 0 } } } });
      expect(events).toContain('data:'); // it carried records before it ended
      expect(server.log()).toContain('[brook] closing the database');

      const db = await openDatabase({ dataDir });
      try {
        await db.migrate(path.resolve(import.meta.dirname, '../db/migrations'));
        const broker = createBroker(db);
        const stored = new Map<string, string>();
        for (let partition = 0; partition < 4; partition++) {
          const page = await broker.fetch({ topic: 'sigterm', partition, offset: 0, maxRecords: 10_000, maxBytes: 64 * 2 ** 20 });
          for (const r of page.records) stored.set(`${partition}:${r.offset}`, Buffer.from(r.value ?? []).toString());
        }
        const missing = acked.filter((a) => stored.get(`${a.partition}:${a.offset}`) !== a.value);
        expect({ acked: acked.length, missing }).toEqual({ acked: acked.length, missing: [] });
        await broker.close();
      } finally {
        await db.close();
      }
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
    // Two fresh PGlite opens with every migration and a built server's start: a hang guard, not a speed target.
  }, 150_000);
});

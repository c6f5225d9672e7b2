import http from 'node:http';
import { expect, test, uniqueTopic } from '../fixtures';

/**
 * The HTTP edge of the built server, over real sockets: Host and Origin rules (DNS rebinding,
 * cross-site forms and fetches), console security headers, and the body limit (413 before reading).
 */
const port = Number(process.env.E2E_PORT ?? 3100);

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Streams a body of up to `maxBytes` in 1 MiB chunks (honouring backpressure) until the server answers;
 * reports how much was written by then. With `declare`, a Content-Length of that size is sent first.
 */
function streamUntilAnswered(path: string, maxBytes: number, declare: boolean): Promise<RawResponse & { written: number }> {
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (declare) headers['content-length'] = String(maxBytes);
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      answered = true;
      const at = written;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, written: at });
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(1024 * 1024, 0x20); // JSON whitespace
    const pump = () => {
      while (!answered && written < maxBytes) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

test.describe('HTTP edge', () => {
  test('answers only its own host names (DNS rebinding), pages and API alike', async ({ api }) => {
    for (const path of ['/', '/topics', '/api/health', '/api/metrics', '/api/trpc/topics.list']) {
      const res = await raw('GET', path, { host: `evil.example:${port}` });
      expect(res.status, path).toBe(421);
      expect(res.body, path).toContain('BROOK_ALLOWED_HOSTS');
    }
    const apiRefusal = JSON.parse((await raw('GET', '/api/trpc/topics.list', { host: 'evil.example' })).body);
    expect(apiRefusal.error.data.kafka).toMatchObject({ name: 'CLUSTER_AUTHORIZATION_FAILED', code: 31 });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await raw('GET', '/api/health', { host })).status, host).toBe(200);
    }
    expect(await api.query('topics.list')).toBeInstanceOf(Array);
  });

  test('refuses cross-origin mutations and keeps same-origin ones', async ({ api }) => {
    const topic = uniqueTopic('edge');
    const create = (headers: Record<string, string>) =>
      raw(
        'POST',
        '/api/trpc/topics.create',
        { host: `127.0.0.1:${port}`, 'content-type': 'application/json', ...headers },
        JSON.stringify({ name: topic, partitions: 1 }),
      );
    const foreign: Array<Record<string, string>> = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site', origin: `http://127.0.0.1:${port}` },
    ];
    for (const headers of foreign) {
      const res = await create(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(res.body).error.data.kafka.name).toBe('CLUSTER_AUTHORIZATION_FAILED');
    }
    expect((await api.query('topics.list')).some((t) => t.name === topic)).toBe(false);
    const same = await create({ origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' });
    expect(same.status).toBe(200);
    expect((await api.query('topics.list')).some((t) => t.name === topic)).toBe(true);
  });

  test('console pages forbid framing and sniffing', async ({ request }) => {
    for (const path of ['/', '/topics', '/groups']) {
      const res = await request.get(path);
      expect(res.status(), path).toBe(200);
      const h = res.headers();
      expect(h['x-frame-options'], path).toBe('DENY');
      expect(h['content-security-policy'], path).toContain("frame-ancestors 'none'");
      expect(h['x-content-type-options'], path).toBe('nosniff');
      expect(h['referrer-policy'], path).toBe('same-origin');
    }
  });

  test('refuses an oversized body with 413 before reading it', async () => {
    const limit = Number(process.env.BROOK_MAX_BODY_BYTES ?? 102_278_488);
    const declared = await streamUntilAnswered('/api/trpc/records.produce', 600 * 1024 * 1024, true);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error.data.kafka).toMatchObject({ name: 'RECORD_LIST_TOO_LARGE', code: 18 });
    expect(declared.written).toBeLessThan(limit);

    const streamed = await streamUntilAnswered('/api/trpc/records.produce', 600 * 1024 * 1024, false);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).error.data.code).toBe('PAYLOAD_TOO_LARGE');
    // Answered once the limit was passed, not after the 600 MB (socket buffers allow some slack).
    expect(streamed.written).toBeLessThan(limit + 32 * 1024 * 1024);
  });
});

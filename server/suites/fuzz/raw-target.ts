import fc from 'fast-check';
import { type FuzzRequest, send } from './http';
import { checkTrpcAnswer, fail } from './oracle';
import type { Target } from './target';
import { outcomeOf, procedures } from './trpc-targets';
import { ODD_STRINGS, toJson } from './values';

/**
 * Requests no client library would make: other methods, odd paths and batches, query strings that are not
 * JSON or not UTF-8, bodies that are invalid JSON, invalid UTF-8, deeply nested, or of another content type,
 * foreign Origins. The edge and tRPC must refuse each with a well-formed 4xx and change nothing.
 */
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'FOO', 'get'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  '',
];

function pathArbitrary(): fc.Arbitrary<string> {
  const names = procedures().map((p) => p.path);
  const name = fc.oneof(
    fc.constantFrom(...names),
    fc.constantFrom('', 'nope', 'topics', 'topics.', '.list', '__proto__', 'topics.list.x', '%ff', '%2e%2e'),
  );
  const batchNames = fc.array(name, { minLength: 1, maxLength: 5 }).map((n) => n.join(','));
  return fc.oneof(name, batchNames, fc.constant(`${'topics.list,'.repeat(200)}topics.list`));
}

function queryArbitrary(): fc.Arbitrary<string> {
  const inputText = fc.oneof(
    fc.constantFrom(
      '{',
      '{"0":',
      '[',
      'nul',
      '"\\ud800"',
      '{"__proto__":{"x":1}}',
      '1e999',
      '{"0":{"name":"fuzz-a"}}',
      '%',
      '%ff%fe',
      '%00',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
    ),
    fc.string({ maxLength: 30 }).map(encodeURIComponent),
    fc.constantFrom(...ODD_STRINGS).map((s) => encodeURIComponent(toJson(s))),
  );
  return fc.oneof(
    fc.constant(''),
    inputText.map((t) => `?input=${t}`),
    inputText.map((t) => `?batch=1&input=${t}`),
    fc.constantFrom('?batch=1', '?batch=2&input={}', '?input=1&input=2', '?connectionParams=1', `?input=${'x'.repeat(20_000)}`),
  );
}

function bodyArbitrary(): fc.Arbitrary<string | Uint8Array | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(
      '',
      '{',
      '{"name":',
      'null',
      '[]',
      '\uFEFF{}',
      '{"0":{}}',
      '{"name":"fuzz-a"}',
      '{"a":1,"a":2}',
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      '"\\u0000"',
      '{"name":"\\ud800"}',
    ),
    fc.uint8Array({ maxLength: 64 }),
    fc.constantFrom(
      Uint8Array.from([0xff, 0xfe, 0x7b, 0x7d]),
      Uint8Array.from([0x22, 0xc3, 0x28, 0x22]),
      Uint8Array.from([0x7b, 0xed, 0xa0, 0x80, 0x7d]),
    ),
    fc.string({ maxLength: 40 }),
  );
}

const headersArbitrary = fc.record(
  {
    'content-type': fc.constantFrom(...CONTENT_TYPES),
    origin: fc.constantFrom('http://evil.example', 'null', 'http://localhost:3000', 'not a url'),
    'sec-fetch-site': fc.constantFrom('cross-site', 'same-origin', 'none'),
    host: fc.constantFrom('localhost:3000', 'evil.example', '127.0.0.1:1', '[::1]', ''),
    'trpc-accept': fc.constantFrom('application/jsonl', 'x'),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', '', 'x'.repeat(500)),
  },
  { requiredKeys: [] },
);

export const rawTarget: Target<FuzzRequest & { path: string }> = {
  name: 'http.raw',
  weight: 3,
  arbitrary: (env) =>
    fc
      .record({
        method: fc.constantFrom(...METHODS),
        path: pathArbitrary(),
        query: queryArbitrary(),
        body: bodyArbitrary(),
        headers: headersArbitrary,
      })
      .map(({ method, path, query, body, headers }) => ({
        method,
        path,
        target: `/api/trpc/${path}${query}`,
        headers: { ...env.headers, ...(headers as Record<string, string>) },
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
      })),
  async run(env, req) {
    const res = await send(env.broker, req);
    if (res.status === 0) return { rejected: true, summary: 'not sendable' }; // Node would not build it
    if (req.method === 'HEAD' || res.status === 204) return { rejected: res.status >= 400, summary: `HTTP ${res.status}` };
    const batch = /[?&]batch=1(&|$)/.test(req.target) ? Math.max(1, req.path.split(',').length) : 0;
    if (batch && req.headers?.['trpc-accept'] === 'application/jsonl' && res.status < 400) {
      // tRPC's streamed batch: one JSON value per line, its errors inside (5xx ones named by their status).
      for (const line of res.text.split('\n').filter(Boolean)) JSON.parse(line);
      if (/"httpStatus":5(?!03)\d\d/.test(res.text)) fail(`a streamed batch with a 5xx error: ${res.text.slice(0, 500)}`);
      return outcomeOf(res);
    }
    if (res.contentType.includes('json')) checkTrpcAnswer(res.status, res.text, batch);
    else if (res.status >= 400 && !res.contentType.startsWith('text/event-stream')) checkTrpcAnswer(res.status, res.text, batch); // every refusal of the API is JSON
    return outcomeOf(res);
  },
  show: (r) =>
    `${r.method} ${r.target.slice(0, 300)} headers ${JSON.stringify(r.headers)} body ${typeof r.body === 'string' ? JSON.stringify(r.body.slice(0, 300)) : r.body ? `bytes ${Buffer.from(r.body).toString('hex').slice(0, 200)}` : '(none)'}`,
};

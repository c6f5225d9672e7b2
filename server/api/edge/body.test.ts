import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/server/env';
import { BodyBudget, DEFAULT_MAX_BODY_BYTES, maxBodyBytes, readBody } from './body';
import { guardApiRequest } from './guard';

/** A body of `total` bytes made lazily, 64 KiB per pull, counting what the reader actually pulled. */
function lazyBody(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counter.pulled >= total) return controller.close();
        const n = Math.min(chunk.byteLength, total - counter.pulled);
        counter.pulled += n;
        controller.enqueue(chunk.subarray(0, n));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://localhost:3000/api/trpc/records.produce', {
    method: 'POST',
    body,
    headers: { host: 'localhost:3000', 'content-type': 'application/json', ...headers },
    duplex: 'half',
  } as RequestInit);

describe('API request bodies', () => {
  it('derives the default limit from the largest valid produce request', () => {
    // 64 MiB of record bytes as base64 plus JSON framing for 100,000 records.
    expect(DEFAULT_MAX_BODY_BYTES).toBe(102_278_488);
    expect(maxBodyBytes({})).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(maxBodyBytes(parseEnv({ BROOK_MAX_BODY_BYTES: '2048' }))).toBe(2048);
    expect(() => parseEnv({ BROOK_MAX_BODY_BYTES: 'lots' })).toThrow(/BROOK_MAX_BODY_BYTES/);
  });

  it('stops reading a streamed 600 MB body just past the limit and answers 413', async () => {
    const { stream, counter } = lazyBody(600 * 1024 * 1024);
    const result = await guardApiRequest(post(stream));
    expect('response' in result).toBe(true);
    const res = (result as { response: Response }).response;
    expect(res.status).toBe(413);
    const body = await res.json();
    expect(body.error.data).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      httpStatus: 413,
      kafka: { name: 'RECORD_LIST_TOO_LARGE', code: 18 },
    });
    expect(counter.pulled).toBeGreaterThan(DEFAULT_MAX_BODY_BYTES);
    expect(counter.pulled).toBeLessThanOrEqual(DEFAULT_MAX_BODY_BYTES + 2 * 64 * 1024);
  });

  it('holds request bodies within one shared budget: past it a body is refused as retriable, until others are released', async () => {
    const budget = new BodyBudget(200 * 1024);
    const first = lazyBody(150 * 1024);
    const held = await readBody(post(first.stream), 1024 * 1024, budget);
    expect('text' in held && held.text.length).toBe(150 * 1024);
    expect(budget.inUse).toBe(150 * 1024);

    const second = lazyBody(100 * 1024);
    const refused = await guardApiRequest(post(second.stream), budget);
    const res = (refused as { response: Response }).response;
    expect(res.status).toBe(503);
    expect((await res.json()).error.data.kafka).toMatchObject({ name: 'THROTTLING_QUOTA_EXCEEDED', retriable: true });
    expect(second.counter.pulled).toBeLessThan(100 * 1024); // not read to the end
    expect(budget.inUse).toBe(150 * 1024); // the refused one gave back what it took

    if ('release' in held) held.release();
    expect(budget.inUse).toBe(0);
    const third = lazyBody(100 * 1024);
    const accepted = await guardApiRequest(post(third.stream), budget);
    expect('request' in accepted).toBe(true);
    if ('release' in accepted) accepted.release();
    expect(budget.inUse).toBe(0);
  });

  it('shares the budget fairly: one key never takes it all, a newcomer always finds room', () => {
    const budget = new BodyBudget(1000, 100);
    // Alone, a key may hold half (room is kept for one newcomer).
    expect(budget.take(500, 'a')).toBe(true);
    expect(budget.take(1, 'a')).toBe(false);
    expect(budget.take(300, 'b')).toBe(true);
    // With two keys holding bytes, a third's share is 1000 / 4 = 250, and so is each of theirs now.
    expect(budget.shareOf('c')).toBe(250);
    expect(budget.take(200, 'c')).toBe(true);
    expect(budget.take(1, 'b')).toBe(false);
    budget.give(500, 'a');
    budget.give(300, 'b');
    budget.give(200, 'c');
    expect(budget.inUse).toBe(0);
    // Never below the minimum share (one largest body), never above the budget.
    expect(new BodyBudget(200, 100).shareOf('x')).toBe(100);
    expect(new BodyBudget(50, 100).shareOf('x')).toBe(50);
  });

  it('refuses on Content-Length alone, pulling nothing', async () => {
    const { stream, counter } = lazyBody(600 * 1024 * 1024);
    const result = await readBody(post(stream, { 'content-length': String(600 * 1024 * 1024) }), 1024 * 1024);
    expect(result).toMatchObject({ refusal: { status: 413 } });
    expect(counter.pulled).toBe(0);
  });

  it('reads a body within the limit unchanged', async () => {
    const text = JSON.stringify({ topic: 't', records: [{ value: 'café · 日本 · 😀' }] });
    expect(await readBody(post(text), 1024)).toMatchObject({ text });
    expect(await readBody(post('x'.repeat(1025)), 1024)).toMatchObject({ refusal: { status: 413 } });
  });

  it('refuses bytes that are not UTF-8 instead of replacing them with U+FFFD', async () => {
    const bytes = Buffer.concat([Buffer.from('{"topic":"t","records":[{"value":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}]}')]);
    const result = await readBody(post(bytes), 1024);
    expect(result).toMatchObject({ refusal: { status: 400, kafka: { name: 'INVALID_REQUEST' } } });
    expect((result as { refusal: { message: string } }).refusal.message).toMatch(/base64/);
  });

  it('bounds the URL of a GET', async () => {
    const url = `http://localhost:3000/api/trpc/topics.get?input=${encodeURIComponent(JSON.stringify({ name: 'x'.repeat(20_000) }))}`;
    const result = await guardApiRequest(new Request(url, { headers: { host: 'localhost:3000' } }));
    expect((result as { response: Response }).response.status).toBe(414);
  });
});

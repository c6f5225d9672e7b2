import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SseEvent, SseParser } from './sse';

const parse = (...chunks: string[]) => {
  const p = new SseParser();
  const events = chunks.flatMap((c) => p.push(c));
  return { events, parser: p };
};
const message = (data: string, lastEventId = ''): SseEvent => ({ type: 'message', data, lastEventId });

describe('SseParser follows the event-stream specification', () => {
  it('joins multi-line data with newlines and drops one space after the colon', () => {
    expect(parse('data: first\ndata:second\ndata:  third\n\n').events).toEqual([message('first\nsecond\n third')]);
  });

  it('ends lines at CRLF, LF or CR, a CRLF split between chunks included', () => {
    expect(parse('data: a\r\ndata: b\rdata: c\n\r\n').events).toEqual([message('a\nb\nc')]);
    expect(parse('data: a\r', '\ndata: b\r', '\n\r', '\n').events).toEqual([message('a\nb')]);
    expect(parse('data: x\r\r').events).toEqual([message('x')]);
  });

  it('ignores comments, unknown fields and events without data; names events; keeps the last id', () => {
    const { events } = parse(': keep-alive\n\nevent: ping\n\nid: 7\nevent: order\nfoo: bar\ndata: {"a":1}\n\ndata: next\n\n');
    expect(events).toEqual([{ type: 'order', data: '{"a":1}', lastEventId: '7' }, message('next', '7')]);
  });

  it('dispatches an empty data line as empty data, and a field without a colon as an empty value', () => {
    expect(parse('data\n\ndata:\n\n').events).toEqual([message(''), message('')]);
  });

  it('takes retry only when it is all digits, and ignores an id holding NUL', () => {
    const { parser, events } = parse('retry: 2500\nretry: 3s\nid: a\u0000b\ndata: x\n\n');
    expect(parser.retryMs).toBe(2500);
    expect(events).toEqual([message('x')]);
  });

  it('skips a leading byte-order mark, and holds an unfinished event back', () => {
    const { events, parser } = parse('\ufeffdata: one\n\ndata: two');
    expect(events).toEqual([message('one')]);
    expect(parser.push('\n\n')).toEqual([message('two')]);
  });

  it('assembles a large event from many small chunks', () => {
    const data = JSON.stringify({ records: Array.from({ length: 20_000 }, (_, i) => ({ offset: i, value: `v${i}` })) });
    const stream = `id: 1\ndata: ${data}\n\n`;
    const chunks = Array.from({ length: Math.ceil(stream.length / 1000) }, (_, i) => stream.slice(i * 1000, (i + 1) * 1000));
    expect(parse(...chunks).events).toEqual([message(data, '1')]);
  });

  it('parses any split of a stream into chunks as it parses the whole', () => {
    const stream = '\ufeff: hi\r\nevent: a\r\ndata: 1\r\n\r\nid: 9\ndata: {"x":"é😀"}\ndata: 2\n\ndata:3\r\rretry: 10\ndata: last\n\n';
    const whole = parse(stream).events;
    expect(whole).toHaveLength(4);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 8 }), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const chunks = at.slice(1).map((end, i) => stream.slice(at[i], end));
        expect(parse(...chunks).events).toEqual(whole);
      }),
    );
  });
});

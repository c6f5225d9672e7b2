// Every API, every version, both directions: a body with a distinctive value in every field present in
// that version (tagged fields included) encodes, decodes to the same values, and encodes to the same bytes.

import { describe, expect, it } from 'vitest';
import { Reader } from './reader';
import { allCodecs, type MessageCodec, sampleBody, versionsOf } from './test-support';
import { Writer } from './writer';

const codecs = await allCodecs();

function roundTrip(codec: MessageCodec, version: number, body: Record<string, unknown>): Buffer {
  const w = new Writer(8);
  codec.encode(w, version, body as never);
  const bytes = Buffer.from(w.finish());
  const r = new Reader(bytes);
  const decoded = codec.decode(r, version);
  expect(r.remaining).toBe(0);
  expect(decoded).toMatchObject(body);
  const again = new Writer();
  codec.encode(again, version, decoded as never);
  expect(again.finish().equals(bytes)).toBe(true);
  return bytes;
}

describe.each(codecs)('$api.name', ({ request, response, requestSpec, responseSpec }) => {
  it.each(versionsOf(requestSpec))('request v%i round-trips, with values and with nulls', (v) => {
    roundTrip(request, v, sampleBody(requestSpec, v));
    roundTrip(request, v, sampleBody(requestSpec, v, { nulls: true }));
  });
  it.each(versionsOf(responseSpec))('response v%i round-trips, with values and with nulls', (v) => {
    roundTrip(response, v, sampleBody(responseSpec, v));
    roundTrip(response, v, sampleBody(responseSpec, v, { nulls: true }));
  });
});

describe('versions and defaults', () => {
  const produce = codecs.find((c) => c.api.name === 'Produce')!;
  const fetch = codecs.find((c) => c.api.name === 'Fetch')!;

  it('refuses a version outside the valid range', () => {
    expect(() => produce.request.decode(new Reader(Buffer.alloc(64)), 12)).toThrow(/version 12 is not between 0 and 11/);
    expect(() => produce.request.encode(new Writer(), -1, {} as never)).toThrow(/KafkaProtocolError|version -1/);
  });

  it('reads a field absent from a version as its default', () => {
    // Produce v2 has no transactional id: its default is null.
    const w = new Writer();
    produce.request.encode(w, 2, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [] } as never);
    expect(produce.request.decode(new Reader(w.finish()), 2)).toEqual({ transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [] });
  });

  it('refuses a non-default value of a non-ignorable field in a version that lacks it, drops an ignorable one', () => {
    // Produce's TransactionalId is not ignorable: a transactional producer cannot silently use v2.
    expect(() =>
      produce.request.encode(new Writer(), 2, { transactionalId: 'tx', acks: -1, timeoutMs: 1000, topicData: [] } as never),
    ).toThrow(/transactionalId has a non-default value but does not exist in version 2/);
    // Fetch's ThrottleTimeMs (v1+) is ignorable: v0 just leaves it out.
    const w = new Writer();
    fetch.response.encode(w, 0, { throttleTimeMs: 5, responses: [] } as never);
    expect(w.finish()).toEqual(Buffer.from([0, 0, 0, 0]));
  });

  it('refuses null in a version where the field is not nullable', () => {
    const metadata = codecs.find((c) => c.api.name === 'Metadata')!;
    // Metadata's Topics array is nullable only from v1.
    expect(() => metadata.request.encode(new Writer(), 0, { topics: null } as never)).toThrow(/not nullable in version 0/);
  });
});

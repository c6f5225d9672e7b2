// Hostile bytes into every decoder: truncated valid bodies (every prefix), bit-flipped ones and random
// bytes. The only error a decoder may throw is KafkaProtocolError: never Buffer's RangeError, a TypeError,
// or an allocation sized by a length the bytes cannot back.

import { describe, expect, it } from 'vitest';
import { decodeRequestHeader } from './generated/index';
import { KafkaProtocolError, Reader } from './reader';
import { allCodecs, type MessageCodec, sampleBody, versionsOf } from './test-support';
import { Writer } from './writer';

const codecs = await allCodecs();

/** mulberry32: a seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decodes and returns 1 for the case; a foreign error fails the test with the input in hex. */
function attempt(codec: MessageCodec['decode'], version: number, bytes: Buffer): number {
  try {
    codec(new Reader(bytes), version);
  } catch (e) {
    if (!(e instanceof KafkaProtocolError)) throw new Error(`v${version} ${bytes.toString('hex')}: ${String(e)}`);
  }
  return 1;
}

describe('decoder fuzzing', () => {
  it('truncated, bit-flipped and random bodies only ever throw KafkaProtocolError', () => {
    const random = prng(12);
    let cases = 0;
    for (const { request, response, requestSpec, responseSpec } of codecs) {
      for (const [codec, spec] of [
        [request, requestSpec],
        [response, responseSpec],
      ] as const) {
        for (const v of versionsOf(spec)) {
          const w = new Writer();
          codec.encode(w, v, sampleBody(spec, v) as never);
          const valid = Buffer.from(w.finish());
          for (let n = 0; n < valid.length; n++) cases += attempt(codec.decode, v, valid.subarray(0, n));
          for (let i = 0; i < 8; i++) {
            const flipped = Buffer.from(valid);
            flipped[Math.floor(random() * flipped.length)] ^= 1 << Math.floor(random() * 8);
            cases += attempt(codec.decode, v, flipped);
            const junk = Buffer.alloc(Math.floor(random() * 64));
            for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(random() * 256);
            cases += attempt(codec.decode, v, junk);
          }
        }
      }
    }
    for (let i = 0; i < 1000; i++) {
      const junk = Buffer.alloc(Math.floor(random() * 32));
      for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(random() * 256);
      cases += attempt(decodeRequestHeader, i % 3, junk);
    }
    expect(cases).toBeGreaterThanOrEqual(10_000);
  });

  it('refuses an absurd array count before allocating or looping', () => {
    const metadata = codecs.find((c) => c.api.name === 'Metadata')!;
    const hostile = Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0]);
    expect(() => metadata.request.decode(new Reader(hostile), 1)).toThrow(/array count 2147483647 exceeds the 2 bytes left/);
    // Compact (flexible) counts: uvarint 0xffffffff.
    const compact = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0]);
    expect(() => metadata.request.decode(new Reader(compact), 9)).toThrow(KafkaProtocolError);
    // A uvarint longer than 5 bytes.
    expect(() => new Reader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).uvarint()).toThrow(/longer than 32 bits/);
    // Negative lengths other than -1.
    expect(() => new Reader(Buffer.from([0xff, 0xfe])).nullableString()).toThrow(/length -2/);
    expect(() => new Reader(Buffer.from([0xff, 0xff])).string()).toThrow(/non-nullable string/);
    expect(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff])).bytes()).toThrow(/non-nullable bytes/);
  });
});

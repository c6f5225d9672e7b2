import fc from 'fast-check';
import { handlerRegistry } from '@/server/kafka/handlers/index';
import { encodeRequestHeader, requestHeaderVersion, Writer } from '@/server/kafka/protocol';
import { allCodecs, type MessageCodec, sampleBody } from '@/server/kafka/protocol/test-support';
import { SEED_GROUP } from './seed';

/**
 * Request frames (without the size prefix) for every API and version the dispatcher serves, each filled
 * from the message definitions twice: with distinctive values, and with names that exist in the fuzz
 * database (so a request reaches the engine), short waits and partition 0. Then mutations of them.
 */
export interface FrameSample {
  apiKey: number;
  version: number;
  name: string;
  frame: Buffer;
}

export interface ResponseCodecs {
  decode(apiKey: number): MessageCodec['decode'] | null;
}

const EXISTING = {
  name: 'fuzz-a',
  topic: 'fuzz-a',
  groupId: SEED_GROUP,
  partitionIndex: 0,
  partition: 0,
  maxWaitMs: 0,
  minBytes: 0,
  sessionTimeoutMs: 6_000,
  rebalanceTimeoutMs: 1_000,
  timeoutMs: 1_000,
  memberId: '',
  groupInstanceId: null,
  generationId: -1,
};

export async function frameSamples(): Promise<{ samples: FrameSample[]; responses: ResponseCodecs }> {
  const codecs = await allCodecs();
  const byKey = new Map(codecs.map((c) => [c.api.apiKey, c]));
  const samples: FrameSample[] = [];
  let correlationId = 1;
  for (const handler of handlerRegistry().values()) {
    const codec = byKey.get(handler.apiKey);
    if (!codec) continue;
    for (let v = handler.minVersion; v <= handler.maxVersion; v++) {
      for (const overrides of [undefined, EXISTING]) {
        const w = new Writer();
        try {
          encodeRequestHeader(w, requestHeaderVersion(handler.apiKey, v), {
            requestApiKey: handler.apiKey,
            requestApiVersion: v,
            correlationId: correlationId++,
            clientId: 'fuzz',
          });
          codec.request.encode(w, v, sampleBody(codec.requestSpec, v, { overrides }) as never);
        } catch {
          continue; // an override of another type for a field of the same name: the plain sample covers it
        }
        samples.push({ apiKey: handler.apiKey, version: v, name: handler.name, frame: Buffer.from(w.finish()) });
      }
    }
  }
  return {
    samples,
    responses: { decode: (apiKey) => byKey.get(apiKey)?.response.decode ?? null },
  };
}

export type FrameMutation =
  | { op: 'none' }
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number[]; bit: number }
  | { op: 'overwrite'; at: number; bytes: number[] }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'extreme'; at: number; width: 2 | 4; value: number }
  | { op: 'append'; bytes: number[] }
  | { op: 'header'; apiKey: number; version: number }
  | { op: 'junk'; bytes: number[] };

const EXTREMES = [0x7fffffff, -1, -2, 0, 0x8000, 0x7fff, 0xffff, -0x80000000, 100_001, 0x0fffffff];

export const mutationArbitrary: fc.Arbitrary<FrameMutation> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ op: 'none' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('flip' as const),
      at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
      bit: fc.nat({ max: 7 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('overwrite' as const),
      at: fc.nat(),
      bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('extreme' as const),
      at: fc.nat(),
      width: fc.constantFrom<2 | 4>(2, 4),
      value: fc.constantFrom(...EXTREMES),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('append' as const), bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 16 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('header' as const),
      apiKey: fc.integer({ min: -2, max: 80 }),
      version: fc.integer({ min: -1, max: 20 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('junk' as const), bytes: fc.array(fc.nat({ max: 255 }), { maxLength: 64 }) }) },
);

/** `frame` with the mutation applied (a new buffer; the sample stays as it was). */
export function applyMutation(frame: Buffer, m: FrameMutation): Buffer {
  const out = Buffer.from(frame);
  const pos = (at: number, room = 1) => (out.length >= room ? at % (out.length - room + 1) : 0);
  switch (m.op) {
    case 'none':
      return out;
    case 'truncate':
      return out.subarray(0, m.at % (out.length + 1));
    case 'flip':
      for (const at of m.at) if (out.length) out[at % out.length] ^= 1 << m.bit;
      return out;
    case 'overwrite':
      m.bytes.forEach((b, i) => {
        if (out.length) out[(pos(m.at) + i) % out.length] = b;
      });
      return out;
    case 'insert': {
      const at = m.at % (out.length + 1);
      return Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes), out.subarray(at)]);
    }
    case 'extreme':
      if (out.length < m.width) return out;
      if (m.width === 4) out.writeUInt32BE(m.value >>> 0, pos(m.at, 4));
      else out.writeUInt16BE(m.value & 0xffff, pos(m.at, 2));
      return out;
    case 'append':
      return Buffer.concat([out, Buffer.from(m.bytes)]);
    case 'header':
      if (out.length >= 4) {
        out.writeInt16BE(m.apiKey, 0);
        out.writeInt16BE(m.version, 2);
      }
      return out;
    case 'junk':
      return Buffer.from(m.bytes);
  }
}

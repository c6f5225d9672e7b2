// Test helpers for the codecs: sample bodies filled from the message definitions (every field present
// in a version gets a distinctive value), the generated modules by API, and the "distinctive leaves" of a
// decoded object, which let a test compare our objects with kafkajs's differently shaped ones.

import { loadMessages } from './codegen/generate';
import { collectStructs, type Field, parseRange, type RawMessage, type Struct, type TypeInfo } from './codegen/model';
import { API_TABLE, type ApiInfo } from './generated/index';
import type { Reader } from './reader';
import type { Writer } from './writer';

export interface MessageCodec {
  decode: (r: Reader, version: number) => unknown;
  encode: (w: Writer, version: number, body: never) => void;
}

export interface ApiCodecs {
  api: ApiInfo;
  request: MessageCodec;
  response: MessageCodec;
  requestSpec: RawMessage;
  responseSpec: RawMessage;
}

/** Every generated API with its four functions, looked up by name in its module. */
export async function allCodecs(): Promise<ApiCodecs[]> {
  const specs = new Map(loadMessages().map((m) => [m.name, m]));
  const out: ApiCodecs[] = [];
  for (const api of API_TABLE) {
    const mod = (await import(`./generated/${api.module}.ts`)) as Record<string, MessageCodec['decode'] | MessageCodec['encode']>;
    const pick = (kind: 'Request' | 'Response'): MessageCodec => ({
      decode: mod[`decode${api.name}${kind}`] as MessageCodec['decode'],
      encode: mod[`encode${api.name}${kind}`] as MessageCodec['encode'],
    });
    const requestSpec = specs.get(`${api.name}Request`);
    const responseSpec = specs.get(`${api.name}Response`);
    if (!requestSpec || !responseSpec) throw new Error(`no spec for ${api.name}`);
    out.push({ api, request: pick('Request'), response: pick('Response'), requestSpec, responseSpec });
  }
  return out;
}

const inRange = (text: { min: number; max: number }, v: number) => v >= text.min && v <= text.max;

/**
 * A body of `message` for `version` where every present field holds a distinctive value (int16 ≥ 1000,
 * int32 ≥ 100000, int64 ≥ 1e10, strings 'k…'), except error codes (0, so kafkajs's decoders do not throw)
 * and fields named in `overrides`. `nulls` makes nullable fields null.
 */
export function sampleBody(
  message: RawMessage,
  version: number,
  options: { nulls?: boolean; overrides?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const structs = new Map<string, Struct>();
  for (const s of collectStructs(message)) structs.set(s.name, s);
  let k = 0;
  const value = (f: Field, t: TypeInfo): unknown => {
    k++;
    if (t.kind === 'array') return [value(f, t.elem), value(f, t.elem)];
    if (t.kind === 'struct') return fill(structs.get(t.struct) as Struct);
    switch (t.prim) {
      case 'int8':
        return k % 100;
      case 'int16':
        return 1000 + k;
      case 'uint16':
        return 2000 + k;
      case 'int32':
        return 100000 + k;
      case 'uint32':
        return 3000000000 + k;
      case 'int64':
        return 10_000_000_000n + BigInt(k);
      case 'float64':
        return k + 0.5;
      case 'bool':
        return true;
      case 'string':
        return `k${k}`;
      case 'uuid':
        return `00000000-0000-4000-8000-${k.toString(16).padStart(12, '0')}`;
      default:
        return Buffer.from(`b${k}`);
    }
  };
  const fill = (s: Struct): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (const f of s.fields) {
      if (!inRange(f.versions, version)) continue;
      if (options.overrides && f.camel in options.overrides) o[f.camel] = options.overrides[f.camel];
      else if (f.camel === 'errorCode') o[f.camel] = 0;
      else if (options.nulls && inRange(f.nullable, version)) o[f.camel] = null;
      else o[f.camel] = value(f, f.type);
    }
    return o;
  };
  return fill(structs.get(message.name) as Struct);
}

export const versionsOf = (spec: RawMessage): number[] => {
  const r = parseRange(spec.validVersions);
  return Array.from({ length: r.max - r.min + 1 }, (_, i) => r.min + i);
};

/** Distinctive leaf values as strings, sorted: numbers with |x| ≥ 1000, bigints, 'k…' strings, bytes as hex. */
export function leaves(value: unknown, skipKeys: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (x === null || x === undefined) return;
    if (typeof x === 'bigint') {
      if (x >= 1000n || x <= -1000n) out.push(x.toString());
    } else if (typeof x === 'number') {
      if (Math.abs(x) >= 1000) out.push(String(x));
    } else if (typeof x === 'string') {
      if (/^k\d+$/.test(x) || (/^-?\d+$/.test(x) && Math.abs(Number(x)) >= 1000)) out.push(x);
    } else if (Buffer.isBuffer(x)) out.push(`0x${x.toString('hex')}`);
    else if (typeof x === 'object' && typeof (x as { toString?: unknown }).toString === 'function' && x.constructor?.name === 'Long') {
      walk(String(x));
    } else if (Array.isArray(x)) x.forEach(walk);
    else if (typeof x === 'object') {
      for (const [key, v] of Object.entries(x)) if (!skipKeys.has(key)) walk(v);
    }
  };
  walk(value);
  return out.sort();
}

import fc from 'fast-check';
import { z } from 'zod';
import { hostileLeaf, hostileValue } from './values';

/**
 * Near-valid inputs from a procedure's zod input: the schema as JSON Schema (the input side), turned into a
 * fast-check arbitrary of values it mostly accepts, with names drawn from what exists (so calls reach the
 * engine), then mutated (a field dropped, added, retyped or replaced by a hostile value) to probe the edge
 * of validation.
 */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};

/** Names that exist in the fuzz database (topics, groups), so near-valid calls get past "unknown". */
export interface NamePools {
  topics: readonly string[];
  groups: readonly string[];
}

/** Shapes JSON Schema cannot say (a zod transform over unknown): the field's real shape, by property name. */
const HINTS: Record<string, JsonSchema> = {
  records: {
    type: 'array',
    maxItems: 20,
    items: {
      type: 'object',
      properties: {
        key: { anyOf: [{ type: 'string', maxLength: 50 }, { type: 'null' }] },
        value: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'null' }] },
        headers: {
          anyOf: [
            {
              type: 'array',
              maxItems: 3,
              items: { type: 'object', properties: { key: { type: 'string' }, value: { type: 'string' } }, required: ['key', 'value'] },
            },
            { type: 'object', additionalProperties: { type: 'string' } },
          ],
        },
        partition: { type: 'integer', minimum: 0, maximum: 3 },
        timestamp: { type: 'integer', minimum: 0, maximum: 8.64e15 },
      },
      required: ['value'],
    },
  },
};

/** JSON Schema of a zod schema's input; null for a procedure without input. */
export function inputSchema(schema: unknown): JsonSchema | null {
  if (!schema) return null;
  return z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

const smallInt = (min: number, max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: Math.max(min, -2), max: Math.max(Math.min(max, 12), Math.max(min, -2)) }) },
    { weight: 1, arbitrary: fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }) },
  );

function stringFor(name: string, s: JsonSchema, pools: NamePools): fc.Arbitrary<string> {
  const max = Math.min(s.maxLength ?? 40, 40);
  const min = Math.min(s.minLength ?? 0, max);
  const plain = fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: max });
  const pick = (list: readonly string[]) => (list.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...list) }, plain) : plain);
  if (/topic|^name$/i.test(name)) return pick([...pools.topics, 'fuzz-new-topic', 'fuzz.x_y-1']);
  if (/group/i.test(name)) return pick(pools.groups);
  if (/member/i.test(name)) return fc.oneof(fc.constant(''), fc.uuid(), plain);
  // A few keys, so a retry with the same key (and another body, which must be refused) comes up.
  if (/idempotency/i.test(name))
    return fc.oneof({ weight: 3, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3') }, plain);
  if (/customer/i.test(name)) return fc.constantFrom('Ada', 'Grace Hopper', 'a@b.c');
  if (name === 'lastEventId') return fc.oneof(fc.nat({ max: 20 }).map(String), plain);
  if (s.pattern === '^\\d{1,4}$') return fc.nat({ max: 5 }).map(String);
  return plain;
}

/** An arbitrary of values the schema (mostly) accepts; `name` is the property it is for. */
export function validArbitrary(s: JsonSchema | boolean | undefined, pools: NamePools, name = ''): fc.Arbitrary<unknown> {
  if (s === undefined || s === true || s === false) return hostileValue;
  if (HINTS[name] && Object.keys(s).length === 0) return validArbitrary(HINTS[name], pools, '');
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => validArbitrary(a, pools, name)));
  if (s.allOf?.length) return validArbitrary(s.allOf[0], pools, name);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      if (Object.keys(props).length === 0) {
        const value = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
        const key = s.propertyNames ? (validArbitrary(s.propertyNames, pools, name) as fc.Arbitrary<string>) : fc.string({ maxLength: 8 });
        return fc.dictionary(key, value ? validArbitrary(value, pools, name) : hostileLeaf, { maxKeys: 4 });
      }
      const entries = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validArbitrary(v, pools, k)]));
      return fc.record(entries, { requiredKeys: [...required].filter((k) => k in props) });
    }
    case 'array': {
      const minLength = s.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxItems ?? 5, 5));
      return fc.array(validArbitrary(s.items, pools, name), { minLength, maxLength });
    }
    case 'string':
      return stringFor(name, s, pools);
    case 'integer':
      return smallInt(
        s.minimum ?? s.exclusiveMinimum ?? Number.MIN_SAFE_INTEGER,
        s.maximum ?? s.exclusiveMaximum ?? Number.MAX_SAFE_INTEGER,
      );
    case 'number':
      return fc.oneof(
        smallInt(s.minimum ?? -1e6, s.maximum ?? 1e6),
        fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true }),
      );
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return hostileValue;
  }
}

type Mutation = 'drop' | 'extra' | 'hostile' | 'retype' | 'wrap' | 'null';
const MUTATIONS: Mutation[] = ['drop', 'extra', 'hostile', 'retype', 'wrap', 'null'];

/** Every path to a node of a JSON value (objects and arrays), the root first. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (out.length > 200) return out;
  if (Array.isArray(v)) for (const [i, x] of v.entries()) paths(x, [...at, i], out);
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  }
  return v;
}

function retype(v: unknown): unknown {
  if (typeof v === 'string') return v.length;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 1 : 'true';
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
  if (v !== null && typeof v === 'object') return Object.values(v);
  return 0;
}

/** `valid` with one node changed: the mutation `op` at the `pick`-th path, with `hostile` as new material. */
export function mutate(valid: unknown, op: Mutation, pick: number, hostile: unknown): unknown {
  const root = { v: clone(valid) } as Record<string, unknown>;
  const all = paths(root.v).map((p) => ['v', ...p]);
  const path = all[pick % all.length];
  const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], root) as Record<
    string | number,
    unknown
  >;
  const key = path[path.length - 1];
  const node = parent[key];
  switch (op) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 'extra':
      if (node !== null && typeof node === 'object' && !Array.isArray(node)) (node as Record<string, unknown>).fuzzExtra = hostile;
      else if (Array.isArray(node)) node.push(hostile);
      else parent[key] = hostile;
      break;
    case 'hostile':
      parent[key] = hostile;
      break;
    case 'retype':
      parent[key] = retype(node);
      break;
    case 'wrap':
      parent[key] = [node];
      break;
    case 'null':
      parent[key] = null;
      break;
  }
  return root.v;
}

/** Valid values and mutations of them, about half each. */
export function nearValidArbitrary(schema: JsonSchema, pools: NamePools): fc.Arbitrary<unknown> {
  const valid = validArbitrary(schema, pools);
  const mutated = fc
    .tuple(valid, fc.constantFrom(...MUTATIONS), fc.nat(), hostileValue)
    .map(([v, op, pick, hostile]) => mutate(v, op, pick, hostile));
  return fc.oneof(valid, mutated);
}

// Kafka's JSON message definitions as a model the generator walks: version ranges, field types, structs.

export const MAX_VERSION = 0x7fff;

/** Inclusive version range; empty when min > max. */
export interface Range {
  min: number;
  max: number;
}

export const EMPTY: Range = { min: 1, max: 0 };

export function parseRange(text: string | undefined): Range {
  if (text === undefined || text === 'none') return EMPTY;
  const plus = /^(\d+)\+$/.exec(text);
  if (plus) return { min: Number(plus[1]), max: MAX_VERSION };
  const span = /^(\d+)-(\d+)$/.exec(text);
  if (span) return { min: Number(span[1]), max: Number(span[2]) };
  if (/^\d+$/.test(text)) return { min: Number(text), max: Number(text) };
  throw new Error(`bad version range ${JSON.stringify(text)}`);
}

export const isEmpty = (r: Range): boolean => r.min > r.max;
export const intersect = (a: Range, b: Range): Range => ({ min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) });
export const covers = (outer: Range, inner: Range): boolean => isEmpty(inner) || (outer.min <= inner.min && outer.max >= inner.max);

/** A version test simplified for code that only runs in `ctx`: 'true', 'false' or an expression on `v`. */
export function cond(range: Range, ctx: Range): string {
  const r = intersect(range, ctx);
  if (isEmpty(r)) return 'false';
  const lo = r.min > ctx.min;
  const hi = r.max < ctx.max;
  if (lo && hi) return r.min === r.max ? `v === ${r.min}` : `v >= ${r.min} && v <= ${r.max}`;
  if (lo) return `v >= ${r.min}`;
  if (hi) return `v <= ${r.max}`;
  return 'true';
}

export interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  ignorable?: boolean;
  flexibleVersions?: string;
  about?: string;
  fields?: RawField[];
}

export interface RawMessage {
  apiKey?: number;
  type: 'request' | 'response' | 'header';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  latestVersionUnstable?: boolean;
  fields: RawField[];
  commonStructs?: { name: string; versions?: string; fields: RawField[] }[];
}

export const PRIMITIVES = new Set([
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'bool',
  'string',
  'bytes',
  'records',
  'uuid',
]);

export type TypeInfo = { kind: 'prim'; prim: string } | { kind: 'array'; elem: TypeInfo } | { kind: 'struct'; struct: string };

export function typeInfo(type: string): TypeInfo {
  if (type.startsWith('[]')) return { kind: 'array', elem: typeInfo(type.slice(2)) };
  if (PRIMITIVES.has(type)) return { kind: 'prim', prim: type };
  return { kind: 'struct', struct: type };
}

export interface Field {
  name: string;
  camel: string;
  about: string;
  type: TypeInfo;
  versions: Range;
  /** Versions where the field is written inline (not as a tagged field). */
  inline: Range;
  tagged: Range;
  tag: number | undefined;
  nullable: Range;
  /** 'none' on the field: no compact encoding even in flexible versions (RequestHeader's ClientId). */
  neverFlexible: boolean;
  rawDefault: string | undefined;
  ignorable: boolean;
}

export interface Struct {
  /** The name in the JSON. */
  name: string;
  /** The TypeScript interface name (prefixed when request and response define the same name). */
  ts: string;
  about: string;
  fields: Field[];
  /** Versions in which this struct can be read or written. */
  ctx: Range;
}

export const camel = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

/** Strips `//` comments (outside strings) from Kafka's commented JSON. */
export function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return out;
}

function toField(raw: RawField): Field {
  const versions = parseRange(raw.versions);
  const tagged = parseRange(raw.taggedVersions);
  if (!isEmpty(tagged) && tagged.max !== versions.max) throw new Error(`${raw.name}: tagged versions must end where versions end`);
  const inline = isEmpty(tagged) ? versions : { min: versions.min, max: tagged.min - 1 };
  return {
    name: raw.name,
    camel: camel(raw.name),
    about: raw.about ?? '',
    type: typeInfo(raw.type),
    versions,
    inline,
    tagged,
    tag: raw.tag,
    nullable: parseRange(raw.nullableVersions),
    neverFlexible: raw.flexibleVersions === 'none',
    rawDefault: raw.default === undefined ? undefined : String(raw.default),
    ignorable: raw.ignorable === true,
  };
}

/** Every struct of a message, the message body first, in definition order. */
export function collectStructs(message: RawMessage): Struct[] {
  const valid = parseRange(message.validVersions);
  const structs: Struct[] = [];
  const visit = (name: string, about: string, rawFields: RawField[], ctx: Range) => {
    const fields = rawFields.map(toField);
    structs.push({ name, ts: name, about, fields, ctx });
    for (const [i, f] of fields.entries()) {
      const raw = rawFields[i];
      if (raw.fields === undefined) continue;
      const t = f.type.kind === 'array' ? f.type.elem : f.type;
      if (t.kind !== 'struct') throw new Error(`${message.name}.${f.name}: fields on a non-struct type`);
      visit(t.struct, f.about, raw.fields, intersect(ctx, f.versions));
    }
  };
  visit(message.name, '', message.fields, valid);
  for (const common of message.commonStructs ?? []) visit(common.name, '', common.fields, valid);
  return structs;
}

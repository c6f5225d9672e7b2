// Emits the TypeScript of one message: an interface per struct, a read and a write function per struct,
// and the exported decode/encode pair. Version tests are resolved at generation time where the struct's
// version context allows, so hot paths carry no dead branches.

import { cond, covers, type Field, intersect, isEmpty, parseRange, type Range, type RawMessage, type Struct, type TypeInfo } from './model';

interface Ctx {
  message: RawMessage;
  flexible: Range;
  /** JSON struct name → TypeScript name. */
  names: Map<string, string>;
  /** Response bodies: fields with a default are optional when encoding. */
  optionalDefaults: boolean;
}

const INT_READ: Record<string, string> = {
  int8: 'int8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  float64: 'float64',
  bool: 'bool',
  uuid: 'uuid',
};

const ELEMENT_FN: Record<string, string> = { int8: 'Int8', int16: 'Int16', int32: 'Int32', int64: 'Int64', uuid: 'Uuid' };

const ifc = (c: string, a: string, b: string): string => (c === 'true' ? a : c === 'false' ? b : `(${c} ? ${a} : ${b})`);
const ifs = (c: string, a: string, b: string): string => (c === 'true' ? a : c === 'false' ? b : `if (${c}) { ${a} } else { ${b} }`);
const not = (c: string): string => (c === 'true' ? 'false' : c === 'false' ? 'true' : `!(${c})`);
const or = (a: string, b: string): string =>
  a === 'true' || b === 'true' ? 'true' : a === 'false' ? b : b === 'false' ? a : `${a} || ${b}`;

function structName(ctx: Ctx, name: string): string {
  const ts = ctx.names.get(name);
  if (ts === undefined) throw new Error(`${ctx.message.name}: unknown struct ${name}`);
  return ts;
}

function baseTs(ctx: Ctx, t: TypeInfo): string {
  if (t.kind === 'array') return `${baseTs(ctx, t.elem)}[]`;
  if (t.kind === 'struct') return structName(ctx, t.struct);
  switch (t.prim) {
    case 'int64':
      return 'bigint';
    case 'bool':
      return 'boolean';
    case 'string':
    case 'uuid':
      return 'string';
    case 'bytes':
    case 'records':
      return 'Buffer';
    default:
      return 'number';
  }
}

const nullableIn = (f: Field, s: Struct): boolean => !isEmpty(f.nullable) && cond(f.nullable, s.ctx) !== 'false';

function fieldTs(ctx: Ctx, f: Field, s: Struct): string {
  return `${baseTs(ctx, f.type)}${nullableIn(f, s) ? ' | null' : ''}`;
}

function defaultExpr(ctx: Ctx, f: Field): string {
  const d = f.rawDefault;
  const t = f.type;
  if (d === 'null') return 'null';
  if (t.kind === 'array') return '[]';
  if (t.kind === 'struct') return `default${structName(ctx, t.struct)}()`;
  switch (t.prim) {
    case 'int64':
      return `${d === undefined ? 0n : BigInt(d)}n`;
    case 'bool':
      return d === 'true' ? 'true' : 'false';
    case 'string':
      return JSON.stringify(d ?? '');
    case 'uuid':
      return 'ZERO_UUID';
    case 'bytes':
      return 'EMPTY_BYTES';
    case 'records':
      return isEmpty(f.nullable) ? 'EMPTY_BYTES' : 'null';
    default:
      return String(d === undefined ? 0 : Number(d));
  }
}

function isDefaultExpr(ctx: Ctx, f: Field, s: Struct, x: string): string {
  const def = defaultExpr(ctx, f);
  const t = f.type;
  if (def === 'null') return `${x} === null`;
  const guard = nullableIn(f, s) ? `${x} !== null && ` : '';
  if (t.kind === 'array' || (t.kind === 'prim' && (t.prim === 'bytes' || t.prim === 'records'))) return `${guard}${x}.length === 0`;
  // A struct field left undefined is its default: no default struct is built to compare with.
  if (t.kind === 'struct') return `${x} === undefined || isDefaultLike(${x}, ${def})`;
  return `${x} === ${def}`;
}

function elementReader(ctx: Ctx, t: TypeInfo, flex: string): string {
  if (t.kind === 'struct') return `read${structName(ctx, t.struct)}`;
  if (t.kind === 'prim' && t.prim === 'string') return ifc(flex, 'readCompactString', 'readString');
  if (t.kind === 'prim' && ELEMENT_FN[t.prim]) return `read${ELEMENT_FN[t.prim]}`;
  throw new Error(`${ctx.message.name}: no array element reader for ${JSON.stringify(t)}`);
}

function elementWriter(ctx: Ctx, t: TypeInfo, flex: string): string {
  if (t.kind === 'struct') return `write${structName(ctx, t.struct)}`;
  if (t.kind === 'prim' && t.prim === 'string') return ifc(flex, 'writeCompactString', 'writeString');
  if (t.kind === 'prim' && ELEMENT_FN[t.prim]) return `write${ELEMENT_FN[t.prim]}`;
  throw new Error(`${ctx.message.name}: no array element writer for ${JSON.stringify(t)}`);
}

/** The expression that reads field f; `flex` and `nul` are conditions ('true', 'false' or an expression). */
function readExpr(ctx: Ctx, f: Field, flex: string, nul: string): string {
  const t = f.type;
  if (t.kind === 'array') {
    return ifc(
      nul,
      `readNullableArray(r, v, ${flex}, ${elementReader(ctx, t.elem, flex)})`,
      `readArray(r, v, ${flex}, ${elementReader(ctx, t.elem, flex)})`,
    );
  }
  if (t.kind === 'struct') {
    const read = `read${structName(ctx, t.struct)}(r, v)`;
    return ifc(nul, `(r.int8() < 0 ? null : ${read})`, read);
  }
  if (t.prim === 'string')
    return ifc(flex, ifc(nul, 'r.compactNullableString()', 'r.compactString()'), ifc(nul, 'r.nullableString()', 'r.string()'));
  if (t.prim === 'bytes' || t.prim === 'records') {
    return ifc(flex, ifc(nul, 'r.compactNullableBytes()', 'r.compactBytes()'), ifc(nul, 'r.nullableBytes()', 'r.bytes()'));
  }
  return `r.${INT_READ[t.prim]}()`;
}

/** The statement that writes x (field f) to writer `w`. */
function writeStmt(ctx: Ctx, f: Field, s: Struct, w: string, x: string, flex: string, nul: string): string {
  const t = f.type;
  const label = `'${s.ts}.${f.camel}'`;
  const nn = nullableIn(f, s) ? `nonNull(${x}, ${label}, v)` : x;
  if (t.kind === 'array') {
    const write = elementWriter(ctx, t.elem, flex);
    const nonNullWrite = nullableIn(f, s)
      ? `writeNonNullArray(${w}, v, ${flex}, ${x}, ${write}, ${label});`
      : `writeArray(${w}, v, ${flex}, ${x}, ${write});`;
    return ifs(nul, `writeArray(${w}, v, ${flex}, ${x}, ${write});`, nonNullWrite);
  }
  if (t.kind === 'struct') {
    const write = `write${structName(ctx, t.struct)}`;
    return ifs(nul, `if (${x} === null) ${w}.int8(-1); else { ${w}.int8(1); ${write}(${w}, v, ${x}); }`, `${write}(${w}, v, ${nn});`);
  }
  if (t.prim === 'string') {
    return ifs(
      flex,
      ifs(nul, `${w}.compactNullableString(${x});`, `${w}.compactString(${nn});`),
      ifs(nul, `${w}.nullableString(${x});`, `${w}.string(${nn});`),
    );
  }
  if (t.prim === 'bytes' || t.prim === 'records') {
    return ifs(
      flex,
      ifs(nul, `${w}.compactNullableBytes(${x});`, `${w}.compactBytes(${nn});`),
      ifs(nul, `${w}.nullableBytes(${x});`, `${w}.bytes(${nn});`),
    );
  }
  return `${w}.${INT_READ[t.prim]}(${x});`;
}

function isOptional(ctx: Ctx, f: Field, s: Struct): boolean {
  return ctx.optionalDefaults && (f.rawDefault !== undefined || !isEmpty(f.tagged) || !covers(f.versions, s.ctx));
}

function doc(text: string, indent = ''): string {
  const clean = text.replace(/\*\//g, '* /').replace(/\s+/g, ' ').trim();
  return clean === '' ? '' : `${indent}/** ${clean} */\n`;
}

function versionsText(r: Range): string {
  if (isEmpty(r)) return 'none';
  if (r.max >= 0x7fff) return `${r.min}+`;
  return r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`;
}

export function emitInterface(ctx: Ctx, s: Struct): string {
  const lines = s.fields.map((f) => {
    const tagged = isEmpty(f.tagged) ? '' : `, tag ${f.tag} in ${versionsText(f.tagged)}`;
    const about = `${f.about} (versions ${versionsText(f.versions)}${tagged}${f.ignorable ? ', ignorable' : ''})`;
    return `${doc(about, '  ')}  ${f.camel}${isOptional(ctx, f, s) ? '?' : ''}: ${fieldTs(ctx, f, s)};`;
  });
  return `${doc(s.about)}export interface ${s.ts} {\n${lines.join('\n')}\n}\n`;
}

/** Declares `flex` only where a body uses it. */
function withFlex(ctx: Ctx, s: Struct, body: string): string {
  const c = cond(ctx.flexible, s.ctx);
  return /\bflex\b/.test(body) ? `const flex = ${c};\n${body}` : body;
}

const flexOf = (ctx: Ctx, s: Struct): string => {
  const c = cond(ctx.flexible, s.ctx);
  return c === 'true' || c === 'false' ? c : 'flex';
};

/** Whether field f is compact where it is written inline: fixed when its versions settle it, else `flex`. */
function fieldFlex(ctx: Ctx, f: Field, s: Struct): string {
  if (f.neverFlexible) return 'false';
  const c = cond(ctx.flexible, intersect(f.inline, s.ctx));
  return c === 'true' || c === 'false' ? c : 'flex';
}

/** Whether field f is nullable, where it is present in `range`. */
const fieldNullable = (f: Field, s: Struct, range: Range): string => cond(f.nullable, intersect(range, s.ctx));

export function emitRead(ctx: Ctx, s: Struct): string {
  const flex = flexOf(ctx, s);
  const props = s.fields.map((f) => {
    const inline = cond(f.inline, s.ctx);
    const value = ifc(inline, readExpr(ctx, f, fieldFlex(ctx, f, s), fieldNullable(f, s, f.inline)), defaultExpr(ctx, f));
    return `${f.camel}: ${value},`;
  });
  const tagged = s.fields.filter((f) => !isEmpty(f.tagged)).sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
  let body: string;
  if (flex === 'false') body = `return {\n${props.join('\n')}\n};`;
  else if (tagged.length === 0)
    body = `const o: ${s.ts} = {\n${props.join('\n')}\n};\n${flex === 'true' ? '' : `if (${flex}) `}skipTaggedFields(r);\nreturn o;`;
  else {
    const cases = tagged.map((f) => {
      const read = `o.${f.camel} = ${readExpr(ctx, f, 'true', fieldNullable(f, s, f.tagged))};`;
      return `case ${f.tag}: ${ifs(cond(f.tagged, s.ctx), read, 'r.offset = end;')} break;`;
    });
    body = `const o: ${s.ts} = {\n${props.join('\n')}\n};
${flex === 'true' ? '{' : `if (${flex}) {`}
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const end = taggedFieldEnd(r);
    switch (tag) {
      ${cases.join('\n')}
      default: r.offset = end;
    }
    checkTaggedFieldEnd(r, end, tag);
  }
}
return o;`;
  }
  body = withFlex(ctx, s, body);
  const v = /\bv\b/.test(body) ? 'v' : '_v';
  return `function read${s.ts}(r: Reader, ${v}: number): ${s.ts} {\n${body}\n}\n`;
}

export function emitWrite(ctx: Ctx, s: Struct): string {
  const flex = flexOf(ctx, s);
  const stmts: string[] = [];
  const tagged: { f: Field; x: string }[] = [];
  for (const [i, f] of s.fields.entries()) {
    const x = `x${i}`;
    // Optional struct fields stay undefined until written, so the hot path builds no default struct.
    const lazy = isOptional(ctx, f, s) && f.type.kind === 'struct' && defaultExpr(ctx, f) !== 'null';
    const value = isOptional(ctx, f, s) && !lazy ? `o.${f.camel} === undefined ? ${defaultExpr(ctx, f)} : o.${f.camel}` : `o.${f.camel}`;
    stmts.push(`const ${x} = ${value};`);
    const written = lazy ? `${x} ?? ${defaultExpr(ctx, f)}` : x;
    const inline = cond(f.inline, s.ctx);
    const write = writeStmt(ctx, f, s, 'w', written, fieldFlex(ctx, f, s), fieldNullable(f, s, f.inline));
    const present = or(inline, cond(f.tagged, s.ctx));
    const check =
      f.ignorable || present === 'true'
        ? ''
        : `if (${not(present)} && ${x} !== undefined && !(${isDefaultExpr(ctx, f, s, x)})) throw notInVersion('${s.ts}.${f.camel}', v);`;
    if (inline !== 'false') stmts.push(inline === 'true' ? write : `if (${inline}) { ${write} }`);
    if (check !== '') stmts.push(check);
    if (!isEmpty(f.tagged)) tagged.push({ f, x });
  }
  tagged.sort((a, b) => (a.f.tag ?? 0) - (b.f.tag ?? 0));
  if (flex !== 'false') {
    if (tagged.length === 0) stmts.push(flex === 'true' ? 'w.uvarint(0);' : `if (${flex}) w.uvarint(0);`);
    else {
      const parts: string[] = [];
      for (const [k, { f, x }] of tagged.entries()) {
        const c = cond(f.tagged, s.ctx);
        parts.push(`const t${k} = ${c === 'true' ? '' : `${c} && `}!(${isDefaultExpr(ctx, f, s, x)});`);
      }
      parts.push(`w.uvarint(${tagged.map((_, k) => `(t${k} ? 1 : 0)`).join(' + ')});`);
      for (const [k, { f, x }] of tagged.entries()) {
        const write = writeStmt(ctx, f, s, 'tw', x, 'true', fieldNullable(f, s, f.tagged));
        parts.push(`if (t${k}) { const tw = new Writer(64); ${write} w.uvarint(${f.tag}); w.uvarint(tw.length); w.raw(tw.finish()); }`);
      }
      stmts.push(flex === 'true' ? parts.join('\n') : `if (${flex}) {\n${parts.join('\n')}\n}`);
    }
  }
  const body = withFlex(ctx, s, stmts.join('\n'));
  const v = /\bv\b/.test(body) ? 'v' : '_v';
  return `function write${s.ts}(w: Writer, ${v}: number, o: ${s.ts}): void {\n${body}\n}\n`;
}

export function emitDefault(ctx: Ctx, s: Struct): string {
  const props = s.fields.map((f) => `${f.camel}: ${defaultExpr(ctx, f)},`);
  return `function default${s.ts}(): ${s.ts} {\n return {\n${props.join('\n')}\n};\n}\n`;
}

export function emitMessage(message: RawMessage, structs: Struct[], names: Map<string, string>): string {
  const ctx: Ctx = { message, flexible: parseRange(message.flexibleVersions), names, optionalDefaults: message.type === 'response' };
  const valid = parseRange(message.validVersions);
  const out: string[] = [];
  for (const s of structs) out.push(emitInterface(ctx, s));
  for (const s of structs) out.push(emitRead(ctx, s), emitWrite(ctx, s));
  const code = out.join('\n');
  for (const s of structs) if (code.includes(`default${s.ts}()`)) out.push(emitDefault(ctx, s));
  const m = message.name;
  out.push(`/** Reads a ${m} body (versions ${versionsText(valid)}). */
export function decode${m}(r: Reader, version: number): ${m} {
  checkVersion('${m}', version, ${valid.min}, ${valid.max});
  return read${m}(r, version);
}

/** Writes a ${m} body (versions ${versionsText(valid)}). */
export function encode${m}(w: Writer, version: number, body: ${m}): void {
  checkVersion('${m}', version, ${valid.min}, ${valid.max});
  write${m}(w, version, body);
}
`);
  return out.join('\n');
}

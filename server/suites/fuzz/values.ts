import fc from 'fast-check';

/**
 * Hostile JSON values: odd Unicode, NUL, huge and empty strings, extreme numbers, deep nesting. A number
 * JSON.stringify cannot write (1e309, -0, 2^53+1 exactly) travels as a RawNumber, which `toJson` writes
 * verbatim so the server's JSON.parse sees the literal token.
 */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** Deeply nested arrays, written as text (building them as objects would overflow our own stack). */
export class DeepNest {
  constructor(readonly depth: number) {}
}

export const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uD83D',
  '\uDE00y',
  '\u202Eevil\u202C',
  '\u05D0\u05D1\u05D2 RTL',
  'e\u0301\u0301\u0301\u0301',
  '😀👩‍👩‍👧‍👦🏳️‍🌈',
  '\uFEFF',
  '\uFFFF\uFFFE',
  '\u0007\u001b[31m',
  '\r\n\t',
  '%00%ff',
  '../../etc/passwd',
  "'; drop table topics; --",
  '__proto__',
  'constructor',
  'prototype',
  'Infinity',
  '-Infinity',
  'NaN',
  '-0',
  '1e308',
  '9007199254740993',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  'earliest',
  'latest',
  'base64',
  'utf8',
  'AAAA',
  '====',
];

export const EXTREME_NUMBERS: Array<number | RawNumber> = [
  0,
  -1,
  1,
  0.5,
  -0.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  2 ** 53,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  -Number.MAX_VALUE,
  8.64e15,
  8.64e15 + 1,
  1e308,
  new RawNumber('-0'),
  new RawNumber('9007199254740993'),
  new RawNumber('-9007199254740993'),
  new RawNumber('1e309'),
  new RawNumber('-1e309'),
  new RawNumber('1e-400'),
  new RawNumber('123456789012345678901234567890'),
  new RawNumber('1.0'),
  new RawNumber('1E2'),
];

/** Strings of any UTF-16 code unit (lone surrogates included). */
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 });

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 3, arbitrary: codeUnits },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }) },
  // Huge: past every field's maximum, up to the body limit's neighbourhood for POSTs (GETs hit the URL limit).
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(1_000, 70_000, 1_100_000, 3_000_000), fc.constantFrom('x', '\u0000', 'é', '😀'))
      .map(([n, c]) => c.repeat(n)),
  },
);

export const hostileNumber: fc.Arbitrary<number | RawNumber> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EXTREME_NUMBERS) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 1100 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.maxSafeInteger() },
);

export const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom(new DeepNest(1_000), new DeepNest(100_000)) },
);

const hostileKey = fc.oneof(fc.constantFrom(...ODD_STRINGS), fc.string({ maxLength: 10 }));

/** Any JSON shape with hostile leaves: objects, arrays, a few levels deep. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileLeaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** JSON text of `v`, with RawNumbers written as their literal token and DeepNests as nested arrays. */
export function toJson(v: unknown): string {
  if (v instanceof RawNumber) return v.text;
  if (v instanceof DeepNest) return `${'['.repeat(v.depth)}${']'.repeat(v.depth)}`;
  if (v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${toJson(x)}`);
    return `{${parts.join(',')}}`;
  }
  // Lone surrogates: JSON.stringify escapes them (\ud800), which JSON.parse turns back into the lone unit.
  return JSON.stringify(v) ?? 'null';
}

/** A short, printable description of a value for failure reports (huge strings abbreviated). */
export function describeValue(v: unknown): string {
  const text = toJson(v);
  return text.length > 2000 ? `${text.slice(0, 1000)}…(${text.length} chars)…${text.slice(-200)}` : text;
}

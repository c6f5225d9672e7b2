// The committed generated/ must be exactly what the generator writes from the committed definitions: edit
// messages/*.json or the generator, then run `npm run kafka:codegen` and commit both.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, generateAll } from './generate';
import { cond, parseRange, stripComments } from './model';

describe('kafka codegen', () => {
  it('committed output is up to date', () => {
    const files = generateAll();
    const committed = readdirSync(GENERATED_DIR).map((f) => path.join(GENERATED_DIR, f));
    expect(committed.sort()).toEqual([...files.keys()].sort());
    for (const [file, content] of files)
      expect(readFileSync(file, 'utf8'), `${path.basename(file)} is stale: run npm run kafka:codegen`).toBe(content);
  }, 120_000);

  it('parses version ranges and simplifies version tests for a context', () => {
    expect(parseRange('3+')).toEqual({ min: 3, max: 0x7fff });
    expect(parseRange('0-7')).toEqual({ min: 0, max: 7 });
    expect(parseRange('none').min).toBeGreaterThan(parseRange('none').max);
    const ctx = { min: 0, max: 11 };
    expect(cond(parseRange('0+'), ctx)).toBe('true');
    expect(cond(parseRange('12+'), ctx)).toBe('false');
    expect(cond(parseRange('9+'), ctx)).toBe('v >= 9');
    expect(cond(parseRange('0-7'), ctx)).toBe('v <= 7');
    expect(cond(parseRange('2-4'), ctx)).toBe('v >= 2 && v <= 4');
    expect(cond(parseRange('1'), ctx)).toBe('v === 1');
  });

  it('strips // comments but not // inside strings', () => {
    expect(JSON.parse(stripComments('{ // c\n "a": "http://x" // d\n}'))).toEqual({ a: 'http://x' });
  });
});

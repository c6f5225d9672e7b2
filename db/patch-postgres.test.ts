import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresDriverPatched } from './client';
// @ts-expect-error plain ESM script without types
import { patchSource } from './patch-postgres.mjs';

/** The postinstall fixes to postgres.js are in place (an install with --ignore-scripts would skip them). */
describe('postgres.js outage fixes', () => {
  it('are applied to every build of connection.js', () => {
    const root = path.resolve(path.dirname(createRequire(import.meta.url).resolve('postgres')), '..', '..');
    for (const rel of ['src/connection.js', 'cjs/src/connection.js']) {
      const source = fs.readFileSync(path.join(root, rel), 'utf8');
      expect(patchSource(source), `${rel}: run \`node db/patch-postgres.mjs\``).toEqual({ source, changed: false });
    }
    // What start-up checks (and logs loudly when false).
    expect(postgresDriverPatched()).toBe(true);
  });
});

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
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

describe('npm install with a postgres.js the fixes do not fit', () => {
  /** The script run as postinstall, beside a postgres.js whose connection.js is `source`. */
  function postinstall(source: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-patch-'));
    try {
      fs.mkdirSync(path.join(dir, 'db'));
      fs.copyFileSync(path.join(import.meta.dirname, 'patch-postgres.mjs'), path.join(dir, 'db', 'patch-postgres.mjs'));
      const pkg = path.join(dir, 'node_modules', 'postgres');
      fs.mkdirSync(path.join(pkg, 'cjs', 'src'), { recursive: true });
      fs.mkdirSync(path.join(pkg, 'src'));
      fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'postgres', version: '3.9.0', main: 'cjs/src/index.js' }));
      fs.writeFileSync(path.join(pkg, 'cjs', 'src', 'index.js'), '');
      for (const rel of ['src/connection.js', 'cjs/src/connection.js']) fs.writeFileSync(path.join(pkg, rel), source);
      return spawnSync(process.execPath, [path.join(dir, 'db', 'patch-postgres.mjs')], { encoding: 'utf8' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('fails (exit 1, saying why) instead of skipping the fixes quietly', () => {
    const run = postinstall('// a connection.js of another shape\n');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('does not have the shape db/patch-postgres.mjs fixes');
  });

  it('succeeds on the shape it fixes', () => {
    const root = path.resolve(path.dirname(createRequire(import.meta.url).resolve('postgres')), '..', '..');
    const run = postinstall(fs.readFileSync(path.join(root, 'src', 'connection.js'), 'utf8'));
    expect([run.status, run.stderr]).toEqual([0, '']);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './client';

/** The embedded database on disk, opened through a symlinked folder (a symlinked BROOK_DATA_DIR). */
describe('PGlite data folder', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-pglite-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('opens through a symlink (PGlite failed there with an ErrnoError) and locks the real folder', async () => {
    const real = path.join(root, 'real');
    const link = path.join(root, 'link');
    fs.symlinkSync(real, link);
    const first = await openDatabase({ dataDir: real });
    await first.query('CREATE TABLE kept (n int)');
    await first.query('INSERT INTO kept VALUES (7)');
    await expect(openDatabase({ dataDir: link })).rejects.toThrow(/already open in this process/);
    await first.close();

    const again = await openDatabase({ dataDir: link });
    try {
      expect(await again.query('SELECT n FROM kept')).toEqual([{ n: 7 }]);
      expect(again.description).toBe(`PGlite at ${fs.realpathSync(real)}`);
    } finally {
      await again.close();
    }
  });
});

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Tests that run the real server (server/main.test.ts, the TLS and crash tests) serve Next's production
 * build. On a fresh clone `npm test` makes it once, before any test starts; later runs reuse it (the
 * server itself is bundled from today's source by each such test, so only the pages can be older).
 */
export default function setup() {
  const root = path.resolve(import.meta.dirname, '..');
  if (fs.existsSync(path.join(root, '.next/BUILD_ID'))) return;
  console.log('[brook] no Next build in .next: running `next build` once for the tests that serve pages (about 2 minutes)');
  const next = path.join(root, 'node_modules/.bin/next');
  const r = spawnSync(next, ['build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status}): the tests that serve pages cannot run`);
}

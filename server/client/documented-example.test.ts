import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testBackends } from '@/db/testing';
import { testApiServer } from '@/server/api/test-server';

const root = path.resolve(import.meta.dirname, '..', '..');

/** The client's documented example, exactly as written (the first ts block of docs/client.md). */
function documentedExample(): string {
  const doc = fs.readFileSync(path.join(root, 'docs', 'client.md'), 'utf8');
  const code = doc.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error('docs/client.md: no ts example');
  return code;
}

describe.each(testBackends().slice(0, 1))("the client's documented example on %s", (backend) => {
  const server = { url: '' };
  testApiServer(backend, (env) => {
    server.url = env.url;
  });

  it('runs as a service would run it: server/client and server/kernel copied out, nothing else, prints the record it consumed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-client-example-'));
    try {
      for (const part of ['client', 'kernel']) {
        fs.cpSync(path.join(root, 'server', part), path.join(dir, 'server', part), {
          recursive: true,
          filter: (f) => !f.endsWith('.test.ts'),
        });
      }
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      // The only change: where Brook listens in this test.
      fs.writeFileSync(path.join(dir, 'main.ts'), documentedExample().replace('http://localhost:3000', server.url));
      const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
      const { stdout } = await promisify(execFile)(tsx, ['main.ts'], { cwd: dir, timeout: 60_000 });
      expect(stdout).toMatch(/^orders \d \d+ order-1 \{"sku":"A-1"\}$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

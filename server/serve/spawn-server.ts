import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * Test support: the real server (server/main.ts, bundled as `npm run build:server` bundles it, from
 * today's source) as a child process on a free port, serving Next's production build (`.next`).
 */
const root = path.resolve(import.meta.dirname, '../..');

export function buildServerForTests(): string {
  if (!fs.existsSync(path.join(root, '.next/BUILD_ID')))
    throw new Error('no Next build in .next: `npm test` builds it first (server/test-next-build.ts); or run `npm run build`');
  const outfile = path.join(root, '.next/brook', `main-test-${process.pid}.mjs`);
  const esbuild = path.join(root, 'node_modules/.bin/esbuild');
  const args = ['server/main.ts', '--bundle', '--platform=node', '--format=esm', '--target=node20', '--packages=external'];
  args.push('--alias:server-only=./node_modules/server-only/empty.js', '--log-level=warning', `--outfile=${outfile}`);
  const r = spawnSync(esbuild, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr}`);
  return outfile;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

export interface ServerChild {
  url: string;
  child: ChildProcess;
  log(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

export async function startServerChild(entry: string, env: Record<string, string>): Promise<ServerChild> {
  // env.PORT: a given port (a restart at the same address); else a free one.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  // Its own Kafka listener on a free port (tests run servers side by side; 9092 may be anyone's), unless the test sets one.
  const childEnv: NodeJS.ProcessEnv = {
    BROOK_KAFKA_LISTENER: '127.0.0.1:0',
    ...process.env,
    ...env,
    PORT: String(port),
    HOSTNAME: '127.0.0.1',
  };
  delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, [entry], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<void>((resolve, reject) => {
    const check = () => (log.includes('[brook] listening on') ? resolve() : undefined);
    child.stdout?.on('data', check);
    void exited.then(() => reject(new Error(`the server exited before listening:\n${log}`)));
  });
  await listening;
  // https with BROOK_TLS_CERT/KEY: the server says which.
  const scheme = /\[brook\] listening on (https?):/.exec(log)?.[1] ?? 'http';
  return { url: `${scheme}://127.0.0.1:${port}`, child, log: () => log, exited };
}

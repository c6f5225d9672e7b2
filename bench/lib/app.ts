import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { Pool } from 'undici';
import { sleep } from './env';

/** The real app (the built server/main.ts, as `npm run serve` runs it) as a child process, for measurements through HTTP. */
export interface RunningApp {
  url: string;
  stop(): Promise<void>;
}

export function ensureBuilt(): void {
  if (fs.existsSync('.next/BUILD_ID') && fs.existsSync('.next/brook/main.mjs') && !process.env.BENCH_REBUILD) return;
  console.log('building the app (npm run build)...');
  const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` (answers within 500 ms). */
export async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
  });
}

export async function startApp(port: number, env: Record<string, string>): Promise<RunningApp> {
  // Never measure a stray server left from an earlier run.
  if (await listening(port)) throw new Error(`port ${port} is already in use: stop what listens there first`);
  const child: ChildProcess = spawn(process.execPath, ['.next/brook/main.mjs'], {
    env: { ...process.env, ...env, PORT: String(port), HOSTNAME: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`app exited early:\n${log}`);
    try {
      // Readiness, not an API call: with BROOK_AUTH=on every procedure wants credentials.
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    await sleep(100);
    if (i === 299) throw new Error(`app did not start:\n${log}`);
  }
  const exited = new Promise((r) => child.once('exit', r));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig); // the whole group
    } catch {
      /* already gone */
    }
  };
  let stopping: Promise<void> | null = null;
  return {
    url,
    stop() {
      stopping ??= (async () => {
        signal('SIGTERM');
        await Promise.race([exited, sleep(10_000)]);
        signal('SIGKILL');
      })();
      return stopping;
    },
  };
}

/**
 * The load generator shares this machine's cores with the app and Postgres, so it uses undici's
 * connection pool (about 3x cheaper per request than fetch) to leave the CPU to what is measured.
 */
const pools = new Map<string, Pool>();
const poolFor = (url: string) => {
  let pool = pools.get(url);
  if (!pool) {
    pool = new Pool(url, { connections: 128 });
    pools.set(url, pool);
  }
  return pool;
};

/** tRPC's plain-JSON answer to one call. */
interface TrpcResult<T> {
  result: { data: T };
}

export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.close()));
  pools.clear();
}

async function call<T = unknown>(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
  extra: Record<string, string> = {},
): Promise<T> {
  const headers = body ? { 'content-type': 'application/json', ...extra } : extra;
  const res = await poolFor(url).request({ path, method, body, headers });
  const text = await res.body.text();
  if (res.statusCode >= 400) throw new Error(`${path}: ${res.statusCode} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** The API as server/main.ts serves it, and the same router through a Next.js route (BROOK_BENCH_ROUTES=1). */
export const API = '/api/trpc';
export const NEXT_API = '/api/bench/trpc';

export async function trpcPost<T = unknown>(url: string, path: string, input: unknown, base = API): Promise<T> {
  return (await call<TrpcResult<T>>(url, 'POST', `${base}/${path}`, JSON.stringify(input))).result.data;
}

/** POST of an already serialized input: load generators build their bodies before the clock starts. */
export async function trpcPostBody<T = unknown>(url: string, path: string, body: string, headers?: Record<string, string>): Promise<T> {
  return (await call<TrpcResult<T>>(url, 'POST', `/api/trpc/${path}`, body, headers)).result.data;
}

export async function trpcGet<T = unknown>(url: string, path: string, input: unknown): Promise<T> {
  return (await call<TrpcResult<T>>(url, 'GET', `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`)).result.data;
}

export async function httpGet(url: string, path: string): Promise<unknown> {
  return call(url, 'GET', path);
}

/** A whole page (HTML), read to the end; throws on an error status. */
export async function httpGetPage(url: string, path: string): Promise<string> {
  const res = await poolFor(url).request({ path, method: 'GET' });
  const text = await res.body.text();
  if (res.statusCode >= 400) throw new Error(`${path}: ${res.statusCode}`);
  return text;
}

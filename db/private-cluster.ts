import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Test support: a throwaway Postgres cluster of its own (initdb in a temporary folder, a free port), so a
 * test can stop and restart the server under traffic without touching the shared one.
 * initdb and postgres refuse to run as root, so as root (here and in CI) they run as the `postgres` user.
 */
const run = promisify(execFile);

/** The installed server binaries (PG_BIN, else the newest /usr/lib/postgresql/<n>/bin), or null. */
export function postgresBinDir(): string | null {
  const candidates = process.env.PG_BIN
    ? [process.env.PG_BIN]
    : safeReaddir('/usr/lib/postgresql')
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`);
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) ?? null;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface PrivateCluster {
  url: string;
  port: number;
  start(): Promise<void>;
  /** `fast` ends sessions cleanly; `immediate` is a crash (recovery from WAL at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server (if running) and deletes its folder. */
  destroy(): Promise<void>;
}

/** `settings`: extra server settings (`-c name=value`), e.g. synchronous replication for a test. */
export async function createPrivateCluster(binDir: string, settings: Record<string, string> = {}): Promise<PrivateCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    fs.chownSync(dir, uid, gid);
  }
  const pg = (tool: string, args: string[]) => {
    const bin = path.join(binDir, tool);
    return asRoot ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, args);
  };
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  // Socket in the cluster's own folder, TCP on loopback only; fsync off: a stopped server is not a lost disk.
  const extra = Object.entries(settings)
    .map(([k, v]) => ` -c ${k}=${v}`)
    .join('');
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50${extra}`;
  const ctl = (args: string[]) => pg('pg_ctl', ['-D', data, '-w', '-t', '60', ...args]);
  let running = false;
  // A test that fails or times out must not leave a server behind.
  process.once('exit', () => {
    if (!running) return;
    const stop = [path.join(binDir, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'];
    try {
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', ...stop], { stdio: 'ignore' });
      else execFileSync(stop[0], stop.slice(1), { stdio: 'ignore' });
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await ctl(['-l', path.join(dir, 'server.log'), '-o', serverOptions, 'start']);
      running = true;
    },
    async stop(mode = 'fast') {
      await ctl(['-m', mode, 'stop']);
      running = false;
    },
    async restart(mode = 'fast') {
      await ctl(['-m', mode, '-l', path.join(dir, 'server.log'), '-o', serverOptions, 'restart']);
      running = true;
    },
    async destroy() {
      if (running) await ctl(['-m', 'immediate', 'stop']).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

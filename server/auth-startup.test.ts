import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@/server/serve/spawn-server';

/**
 * The server process (server/main.ts bundled as `npm run build:server` does) up to its engine's start:
 * what it decides about auth, and what it logs. Next's build is not needed for that part.
 */
const root = path.resolve(import.meta.dirname, '..');
const entry = path.join(root, '.next/brook', `main-auth-test-${process.pid}.mjs`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-auth-start-'));

beforeAll(() => {
  const args = ['server/main.ts', '--bundle', '--platform=node', '--format=esm', '--target=node20', '--packages=external'];
  args.push('--alias:server-only=./node_modules/server-only/empty.js', '--log-level=warning', `--outfile=${entry}`);
  const r = spawnSync(path.join(root, 'node_modules/.bin/esbuild'), args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr}`);
});
afterAll(() => {
  fs.rmSync(entry, { force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs the server until `until` shows in its log (then SIGTERM) or it exits; returns its log and exit code. */
async function serve(env: Record<string, string>, until: string): Promise<{ log: string; code: number | null }> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(await freePort()),
    HOSTNAME: '127.0.0.1',
    BROOK_KAFKA_LISTENER: '127.0.0.1:0',
    ...env,
  };
  delete childEnv.DATABASE_URL;
  const child: ChildProcess = spawn(process.execPath, [entry], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const onData = (d: Buffer) => {
    log += d;
    if (log.includes(until) && child.exitCode === null) child.kill('SIGTERM');
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { log, code };
}

describe('auth at server start', () => {
  it('a bad variable (one the HTTP edge reads) stops start-up with one line naming it, no stack trace', { timeout: 120_000 }, async () => {
    const { log, code } = await serve({ BROOK_DATA_DIR: path.join(tmp, 'bad-env'), BROOK_MAX_BODY_BYTES: 'abc' }, 'never');
    expect(code).toBe(1);
    expect(log.trim()).toMatch(/^\[brook\] cannot start: invalid environment: BROOK_MAX_BODY_BYTES must be a whole number[^\n]*$/);
  });

  it('refuses to start with auth off and a listener beyond loopback, before opening the database', { timeout: 120_000 }, async () => {
    const dataDir = path.join(tmp, 'refused');
    const { log, code } = await serve({ BROOK_DATA_DIR: dataDir, BROOK_KAFKA_LISTENER: '0.0.0.0:0' }, 'never');
    expect(code).toBe(1);
    expect(log).toMatch(/cannot start: .*BROOK_AUTH is off but Brook would listen beyond this machine \(Kafka on 0\.0\.0\.0/);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('with BROOK_AUTH=on and BROOK_ADMIN_PASSWORD: logs the mode and creates admin, never logging the password', {
    timeout: 120_000,
  }, async () => {
    const secret = 'start-up admin secret';
    const { log } = await serve(
      { BROOK_DATA_DIR: path.join(tmp, 'on'), BROOK_AUTH: 'on', BROOK_ADMIN_PASSWORD: secret },
      '[brook] broker ready',
    );
    expect(log).toMatch(/\[brook\] auth on\n/);
    expect(log).toMatch(/\[brook\] user admin \(BROOK_ADMIN_PASSWORD\): created/);
    expect(log).not.toMatch(/no users yet/);
    expect(log).not.toContain(secret);
  });
});

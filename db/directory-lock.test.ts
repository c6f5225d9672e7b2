import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { lockDataDirectory, lockSocketPath } from './directory-lock';

/**
 * The embedded database's folder lock, across real processes: a child process takes it, and is killed
 * (kill -9) or kept alive; the lock must follow the owner's life, not a pid written in a file.
 */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-lock-'));
const children: ChildProcess[] = [];
const MODULE = path.resolve('db/directory-lock.ts');

/** A child process that holds the lock on `dir`; resolves with its pid once it holds it. */
function childHolding(dir: string): Promise<number> {
  const code = `const m = await import(${JSON.stringify(MODULE)}); await m.lockDataDirectory(${JSON.stringify(dir)}); console.log('locked ' + process.pid); setInterval(() => {}, 1000);`;
  // node itself with tsx's loader (not the tsx wrapper, whose grandchild would survive a kill of the wrapper).
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /locked (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before locking`)));
  });
}

const waitGone = async (pid: number) => {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`process ${pid} still there`);
};

describe('embedded data folder lock', () => {
  const releases: (() => void)[] = [];
  afterEach(() => {
    for (const release of releases.splice(0)) release();
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('is free again after its owner is killed with kill -9 (the socket file stays behind, stale)', async () => {
    const dir = path.join(root, 'killed');
    const pid = await childHolding(dir);
    await expect(lockDataDirectory(dir)).rejects.toThrow(new RegExp(`in use by process ${pid}`));
    process.kill(pid, 'SIGKILL');
    await waitGone(pid);
    expect(fs.existsSync(`${fs.realpathSync(root)}/killed.lock`)).toBe(true);
    releases.push((await lockDataDirectory(dir)).release);
  });

  it('refuses while its owner lives in another process, also through a symlinked path', async () => {
    const dir = path.join(root, 'live');
    const pid = await childHolding(dir);
    await expect(lockDataDirectory(dir)).rejects.toThrow(/already in use by process/);
    fs.mkdirSync(dir, { recursive: true });
    const link = path.join(root, 'link-to-live');
    fs.symlinkSync(dir, link);
    await expect(lockDataDirectory(link)).rejects.toThrow(new RegExp(`${path.basename(dir)} is already in use by process ${pid}`));
    // A symlink to a folder that does not exist yet resolves to the same lock too.
    const ahead = path.join(root, 'link-ahead');
    fs.symlinkSync(path.join(root, 'not-yet'), ahead);
    releases.push((await lockDataDirectory(ahead)).release);
    await expect(lockDataDirectory(path.join(root, 'not-yet'))).rejects.toThrow(/already open in this process/);
  });

  it('does not trust pids: a stale lock file naming this very process (a restarted container) is taken over', async () => {
    const dir = path.join(root, 'same-pid');
    fs.writeFileSync(`${path.join(fs.realpathSync(root), 'same-pid')}.lock`, String(process.pid));
    releases.push((await lockDataDirectory(dir)).release);
    // And once held here, a second open in this process is refused with a clear message.
    await expect(lockDataDirectory(dir)).rejects.toThrow(/already open in this process/);
  });

  it('a stale lock naming a live unrelated process is taken over', async () => {
    const dir = path.join(root, 'other-pid');
    fs.writeFileSync(`${path.join(fs.realpathSync(root), 'other-pid')}.lock`, String(process.ppid || 1));
    releases.push((await lockDataDirectory(dir)).release);
  });

  it('is released on release(): another process can take it', async () => {
    const dir = path.join(root, 'released');
    const { release } = await lockDataDirectory(dir);
    release();
    const pid = await childHolding(dir);
    expect(children.at(-1)!.pid).toBe(pid); // the lock holder is the child itself
  });

  it('keeps socket paths short enough for Unix sockets', () => {
    const long = path.join(root, 'x'.repeat(150));
    const p = lockSocketPath(long);
    expect(Buffer.byteLength(p)).toBeLessThanOrEqual(100);
    expect(lockSocketPath(long)).toBe(p);
    expect(lockSocketPath(path.join(root, 'short'))).toBe(`${path.join(root, 'short')}.lock`);
  });
});

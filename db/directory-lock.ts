import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * One process per embedded data folder, with a lock the kernel releases when its owner dies: the owner
 * listens on a Unix domain socket at `<folder>.lock`. A contender that cannot bind connects to it: a
 * connection means a live owner (it answers with its pid), "refused" means the socket file outlived its
 * process (kill -9, a crash) and is taken over. Nothing depends on pids, so a restarted container that
 * gets the same pid, or a stale pid now used by another process, no longer matters.
 */
export interface DirectoryLock {
  /** The folder's real path (symlinks resolved): open the database there, PGlite's file system does not follow links. */
  dir: string;
  release: () => void;
}

/** Real paths this process holds, so a second open here gets a clear message rather than a probe of itself. */
const globalForLocks = globalThis as { __brookDirectoryLocks?: Set<string> };
globalForLocks.__brookDirectoryLocks ??= new Set();
const heldHere = globalForLocks.__brookDirectoryLocks;

/** Unix socket paths are limited (108 bytes on Linux, 104 on macOS). */
const MAX_SOCKET_PATH = 100;
/** A takeover marker older than this belonged to a process that died mid-takeover. */
const TAKEOVER_STALE_MS = 10_000;

export async function lockDataDirectory(dataDir: string): Promise<DirectoryLock> {
  const real = realTarget(path.resolve(dataDir));
  if (heldHere.has(real)) throw new Error(`The embedded database at ${real} is already open in this process.`);
  const socketPath = lockSocketPath(real);
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = await tryListen(socketPath);
    if (server) {
      heldHere.add(real);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        heldHere.delete(real);
        process.off('exit', release);
        server.close(); // unlinks the socket file
      };
      process.once('exit', release);
      return { dir: real, release };
    }
    const owner = await probe(socketPath);
    if (owner.alive) {
      throw new Error(
        `The embedded database at ${real} is already in use by ${owner.pid ? `process ${owner.pid}` : 'another process'}. ` +
          `PGlite allows one process per data folder: stop that process, set BROOK_DATA_DIR to another folder, ` +
          `or set DATABASE_URL to share a Postgres server between several Brook processes.`,
      );
    }
    if (owner.stale) await takeOver(socketPath);
  }
  throw new Error(`could not lock ${real} (lock ${socketPath} kept changing hands)`);
}

/** The folder's real path: symlinks resolved, also for a folder (or link target) that does not exist yet. */
export function realTarget(p: string, depth = 0): string {
  try {
    return fs.realpathSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || depth > 32) throw err;
  }
  const stat = fs.lstatSync(p, { throwIfNoEntry: false });
  if (stat?.isSymbolicLink()) return realTarget(path.resolve(path.dirname(p), fs.readlinkSync(p)), depth + 1);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  return path.join(realTarget(path.dirname(p), depth + 1), path.basename(p));
}

/** `<folder>.lock` beside the folder, or under the temp folder (named by a hash) when that path is too long. */
export function lockSocketPath(realDir: string): string {
  const beside = `${realDir}.lock`;
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH) return beside;
  const hash = createHash('sha256').update(realDir).digest('hex').slice(0, 24);
  return path.join(os.tmpdir(), `brook-pglite-${hash}.lock`);
}

function tryListen(socketPath: string): Promise<net.Server | null> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((conn) => {
      conn.on('error', () => {});
      conn.end(`${process.pid}\n`);
    });
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(null) : reject(err)));
    server.listen(socketPath, () => {
      server.unref(); // the lock must not keep the process alive
      resolve(server);
    });
  });
}

/** Who holds the socket: alive (with its pid if it says), stale (nobody listens), or gone (retry the bind). */
function probe(socketPath: string): Promise<{ alive: boolean; stale: boolean; pid?: number }> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socketPath);
    let text = '';
    let connected = false;
    const done = (result: { alive: boolean; stale: boolean; pid?: number }) => {
      clearTimeout(timer);
      conn.destroy();
      resolve(result);
    };
    // An owner too busy to answer is still alive: the kernel accepted the connection for it.
    const timer = setTimeout(() => done({ alive: true, stale: false }), 2_000);
    conn.on('connect', () => (connected = true));
    conn.on('data', (chunk) => (text += chunk.toString()));
    conn.on('end', () => done({ alive: true, stale: false, pid: Number(text.trim()) || undefined }));
    conn.on('error', (err: NodeJS.ErrnoException) => {
      if (connected) return done({ alive: true, stale: false });
      // ECONNREFUSED: a socket file nobody listens on (or an old pid file); ENOTSOCK/EINVAL: not a socket.
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOTSOCK' || err.code === 'EINVAL') return done({ alive: false, stale: true });
      if (err.code === 'ENOENT') return done({ alive: false, stale: false });
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Removes a stale socket file. Only under a takeover marker (mkdir is atomic), and only if it is still
 * stale then: two contenders that both saw it stale must not unlink the socket the faster one just bound.
 */
async function takeOver(socketPath: string): Promise<void> {
  const marker = `${socketPath}.takeover`;
  try {
    fs.mkdirSync(marker);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const age = Date.now() - (fs.statSync(marker, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > TAKEOVER_STALE_MS) fs.rmSync(marker, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 20));
    return;
  }
  try {
    if ((await probe(socketPath)).stale) fs.rmSync(socketPath, { force: true });
  } finally {
    fs.rmSync(marker, { recursive: true, force: true });
  }
}

// Applies four small fixes to postgres.js 3.4.x's connection.js after `npm install` (package.json
// postinstall). Each breaks the driver's recovery from a database outage; the first three are not fixed upstream
// (porsager/postgres#1154, #1208; PRs #1168, #1209 open):
//  1. closed() and terminate() cancel the batched-write immediate without forgetting it: a connection
//     whose socket died with a write pending never flushes again (every reconnect of that pool slot
//     times out, for good).
//  2. nextWrite() dereferences a socket that closed() has nulled (a transaction's ROLLBACK issued on
//     its lost connection): an uncaught TypeError from an immediate, which ends the process. Now the
//     write fails its queries with CONNECTION_CLOSED instead.
//  3. The array-types query after start-up rejects unhandled when the connection drops right then.
//  4. closed() fails the queries still queued on the connection only when it closed without an error. A
//     ROLLBACK queued on a connection whose socket then failed (a restarting server) stays queued across
//     the reconnect, takes the place of the next statement, and answers that statement's Describe; the
//     statement's Bind and Execute are never sent, and its transaction waits forever holding its locks.
// Idempotent; replaces each file (write + rename) so that hard-linked copies elsewhere stay untouched.
// package.json pins postgres.js to the exact version these fixes were written for. A file that no longer
// has the expected shape fails `npm install` (exit 1) instead of being skipped quietly; an install with
// --ignore-scripts skips this script, and readiness (/api/health) then answers 503 on a Postgres server.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MARKER = '/* brook patch */';
const require = createRequire(import.meta.url);

function packageRoot() {
  try {
    return path.resolve(path.dirname(require.resolve('postgres')), '..', '..'); // <root>/cjs/src/index.js
  } catch {
    return null;
  }
}

const FIXES = [
  {
    find: '    clearImmediate(nextWriteTimer)\n',
    replace: `    clearImmediate(nextWriteTimer)\n    nextWriteTimer = chunk = null ${MARKER}\n`,
    count: 2,
  },
  {
    find: '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n',
    replace: `  function nextWrite(fn) {\n    if (!socket) { ${MARKER}\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)\n`,
    count: 1,
  },
  {
    // 3. The array-types query sent after start-up is awaited by nobody: when the connection drops right
    //    then (a server shutting down), its rejection is unhandled, which ends a Node process.
    find: '        return fetchArrayTypes()\n',
    replace: `        return fetchArrayTypes().catch(error) ${MARKER}\n`,
    count: 1,
  },
  {
    // 4. Queries queued on a connection that closed with an error are failed too, and none stays current.
    find: "    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n",
    replace: `    ;(query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket)); query = null ${MARKER}\n`,
    count: 1,
  },
];

/** The patched source, or null when the file no longer has the expected shape (another version). */
export function patchSource(source) {
  let out = source;
  for (const fix of FIXES) {
    if (out.includes(fix.replace)) continue;
    if (out.split(fix.find).length !== fix.count + 1) return null;
    out = out.split(fix.find).join(fix.replace);
  }
  return { source: out, changed: out !== source };
}

function main() {
  const root = packageRoot();
  if (!root) return console.warn('[brook] postgres.js not installed: nothing to patch');
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  for (const rel of ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js']) {
    const file = path.join(root, rel);
    if (!fs.existsSync(file)) continue;
    const result = patchSource(fs.readFileSync(file, 'utf8'));
    if (!result) {
      console.error(
        `[brook] postgres.js ${version}: ${rel} does not have the shape db/patch-postgres.mjs fixes; its outage fixes cannot be applied. Install the version package.json pins, or port the fixes.`,
      );
      process.exitCode = 1;
      continue;
    }
    if (!result.changed) continue;
    const tmp = `${file}.brook-${process.pid}`;
    fs.writeFileSync(tmp, result.source);
    fs.renameSync(tmp, file);
    console.log(`[brook] patched postgres.js ${version} ${rel} (outage recovery fixes)`);
  }
}

// Run as a script (postinstall), not when a test imports patchSource. Compared as real paths: a checkout
// path with spaces or behind a symlink must still be patched.
const invokedAs = process.argv[1] ? fs.realpathSync(process.argv[1]) : '';
if (invokedAs && fs.realpathSync(fileURLToPath(import.meta.url)) === invokedAs) main();

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

/**
 * Playwright's web server: the built app (`npm run serve`: server/main.ts, built) on a database of its own, made for this run
 * and removed after. With E2E_DATABASE_URL or TEST_DATABASE_URL: a fresh database on that Postgres
 * server; otherwise a fresh embedded PGlite folder.
 */
const port = process.env.E2E_PORT ?? '3100';
const base = process.env.E2E_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

async function main() {
  // Fast background loops, so lag charts and session expiry show within a test's time.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: port,
    BROOK_KAFKA_LISTENER: '127.0.0.1:0', // a free port: e2e servers run beside other Brooks
    BROOK_LAG_SAMPLE_MS: '1000',
    BROOK_GROUP_EXPIRY_MS: '500',
    BROOK_LOG_MAINTENANCE_MS: '2000',
  };
  let cleanup: () => Promise<void>;
  const urlFile = process.env.E2E_DB_URL_FILE;
  if (urlFile) fs.rmSync(urlFile, { force: true }); // never a previous run's database
  if (base) {
    const name = `brook_e2e_${randomBytes(4).toString('hex')}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const u = new URL(base);
    u.pathname = `/${name}`;
    env.DATABASE_URL = u.toString();
    cleanup = async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      if (urlFile) fs.rmSync(urlFile, { force: true });
    };
    console.log(`[e2e] database ${name} on the Postgres server`);
    // For tests that must change what no API can (a session's expiry): the auth suite asks for it.
    if (urlFile) fs.writeFileSync(urlFile, env.DATABASE_URL, { mode: 0o600 });
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-e2e-'));
    delete env.DATABASE_URL;
    env.BROOK_DATA_DIR = path.join(dir, 'pglite');
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
    console.log(`[e2e] embedded PGlite in ${dir}`);
  }

  const child = spawn(process.execPath, ['.next/brook/main.mjs'], { env: { ...env, HOSTNAME: '127.0.0.1' }, stdio: 'inherit' });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await cleanup().catch((err) => console.error('[e2e] cleanup failed:', err));
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`[e2e] the server exited with ${code}`);
      void cleanup().finally(() => process.exit(code ?? 1));
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

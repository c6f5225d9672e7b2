import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { MIGRATIONS_FOLDER } from '@/db/env';
import { openTestDatabase, postgresUrl, uniqueName } from '@/db/testing';
import { Auth } from '@/server/broker/auth';
import { parseArgs } from './brook';
import { UsageError } from './password-input';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a user runs it (`npm run brook -- ...` runs exactly this), on the given database. */
function brook(db: { url?: string; dataDir?: string }, args: string[], stdin = ''): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.BROOK_DATA_DIR;
  if (db.url) env.DATABASE_URL = db.url;
  if (db.dataDir) env.BROOK_DATA_DIR = db.dataDir;
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['server/cli/brook.ts', ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/**
 * The CLI on a pseudo-terminal (Python's pty module; Node has none built in): types each of `typed` after
 * the next prompt, returns everything the terminal showed.
 */
const PTY_DRIVER = `
import os, pty, sys, select
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b''
def read(until=None, start=0):
    global out
    while until is None or until not in out[start:]:
        r, _, _ = select.select([fd], [], [], 120)
        if not r: break
        try: chunk = os.read(fd, 4096)
        except OSError: break
        if not chunk: break
        out += chunk
seen = 0
for typed in os.environ['TYPED'].split('\\n'):
    read(b': ', seen)
    seen = len(out)
    os.write(fd, typed.encode() + b'\\r')
read()
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
`;

function inTerminal(
  db: { url?: string; dataDir?: string },
  args: string[],
  typed: string[],
): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TYPED: typed.join('\n') };
  delete env.DATABASE_URL;
  delete env.BROOK_DATA_DIR;
  if (db.url) env.DATABASE_URL = db.url;
  if (db.dataDir) env.BROOK_DATA_DIR = db.dataDir;
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', ['-c', PTY_DRIVER, tsx, 'server/cli/brook.ts', ...args], { cwd: root, env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('npm run brook', () => {
  it('parses its arguments and refuses a password given as one', () => {
    expect(parseArgs(['users', 'add', 'a', '--role', 'admin', '--password-stdin'])).toEqual({
      words: ['users', 'add', 'a'],
      flags: new Map<string, string | true>([
        ['--role', 'admin'],
        ['--password-stdin', true],
      ]),
    });
    expect(parseArgs(['tokens', 'create', 't', '--role=viewer', '--expires-in-days', '3']).flags.get('--expires-in-days')).toBe('3');
    expect(() => parseArgs(['users', 'add', 'a', '--password', 'x'])).toThrow(UsageError);
    expect(() => parseArgs(['users', 'add', 'a', '--password=x'])).toThrow(/--password-stdin/);
    expect(() => parseArgs(['users', 'add', '--role'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--bogus'])).toThrow(/unknown option/);
  });

  // On the Postgres server when there is one (each spawn opens the database: PGlite takes seconds per start).
  it('manages users and tokens end to end, audited as the CLI, never printing a password', { timeout: 300_000 }, async () => {
    const target = postgresUrl() ? { url: postgresUrl() } : { dataDir: path.join(tmp, 'cycle') };
    const user = uniqueName('ops');
    const tokenName = uniqueName('ci');
    const password = 'cli password 12345';
    const outputs: Result[] = [];
    const ok = async (args: string[], stdin?: string) => {
      const r = await brook(target, args, stdin);
      outputs.push(r);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    expect(await ok(['users', 'add', user, '--role', 'producer', '--password-stdin'], `${password}\n`)).toMatch(
      `User ${user} added (producer).`,
    );
    expect(await ok(['users', 'list'])).toMatch(new RegExp(`^${user}\\s+producer\\s`, 'm'));
    await ok(['users', 'passwd', user, '--password-stdin'], `${password}-2\n`);
    await ok(['users', 'role', user, 'viewer']);
    const created = await ok(['tokens', 'create', tokenName, '--role', 'viewer', '--expires-in-days', '30']);
    const token = /^(brook_[A-Za-z0-9_-]{43})$/m.exec(created)?.[1];
    expect(token, created).toBeDefined();
    expect(await ok(['tokens', 'list'])).toMatch(new RegExp(`^${tokenName}\\s+viewer\\s+active\\s+cli:`, 'm'));

    const db = target.url ? await openTestDatabase('postgres') : await openDatabase(target);
    try {
      const auth = new Auth(db, Date.now, { mode: 'on' });
      expect((await auth.login({ username: user, password: `${password}-2`, address: null })).principal.role).toBe('viewer');
      expect(await auth.bearer(token as string)).toMatchObject({ kind: 'token', name: tokenName, role: 'viewer' });
      const audited = await auth.audit.list({ limit: 1000 });
      const mine = audited.filter((e) => e.target === user || e.target === tokenName).map((e) => [e.action, e.actor.startsWith('cli:')]);
      expect(mine).toEqual([
        ['tokens.create', true],
        ['users.role', true],
        ['users.password', true],
        ['users.add', true],
      ]);
    } finally {
      await db.close();
    }

    // unlock: a name throttled by wrong passwords may log in at once again, audited as the CLI.
    const throttled = target.url ? await openTestDatabase('postgres') : await openDatabase(target);
    try {
      const auth = new Auth(throttled, Date.now, { mode: 'on', loginLimits: { perUser: 1, baseDelayMs: 600_000, maxDelayMs: 600_000 } });
      for (let i = 0; i < 2; i++) await auth.login({ username: user, password: 'wrong password', address: null }).catch(() => {});
      await expect(auth.login({ username: user, password: `${password}-2`, address: null })).rejects.toMatchObject({
        kafkaName: 'THROTTLING_QUOTA_EXCEEDED',
      });
    } finally {
      await throttled.close();
    }
    expect(await ok(['users', 'unlock', user])).toMatch(`Failed logins of ${user} forgotten`);
    expect(await ok(['users', 'unlock', user])).toMatch('had no failed logins');
    const unlocked = target.url ? await openTestDatabase('postgres') : await openDatabase(target);
    try {
      const auth = new Auth(unlocked, Date.now, { mode: 'on' });
      expect((await auth.login({ username: user, password: `${password}-2`, address: null })).principal.name).toBe(user);
      expect(
        (await auth.audit.list({ action: 'users.unlock' })).filter((e) => e.target === user && e.actor.startsWith('cli:')),
      ).toHaveLength(2);
    } finally {
      await unlocked.close();
    }

    await ok(['tokens', 'revoke', tokenName]);
    expect(await ok(['tokens', 'list'])).toMatch(new RegExp(`^${tokenName}\\s+viewer\\s+revoked`, 'm'));
    await ok(['users', 'remove', user]);
    expect(await ok(['users', 'list'])).not.toMatch(user);

    // Refusals: a clear message and a non-zero exit, nothing printed on stdout.
    const missing = await brook(target, ['users', 'remove', user]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(`There is no user named "${user}". (RESOURCE_NOT_FOUND)`);
    const short = await brook(target, ['users', 'add', uniqueName('u'), '--role', 'viewer', '--password-stdin'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/8 to 1024 characters/);
    const noTty = await brook(target, ['users', 'add', uniqueName('u'), '--role', 'viewer']);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toMatch(/--password-stdin/);
    const usage = await brook(target, ['users', 'frobnicate', 'x']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage: npm run brook/);
    outputs.push(missing, short, noTty, usage);

    const everything = outputs.map((r) => r.stdout + r.stderr).join('\n');
    expect(everything).not.toContain(password);
    expect(everything.split(token as string).length).toBe(2); // the token: printed once, at creation
  });

  it('asks for a new password twice on a terminal, without echoing it', { timeout: 180_000 }, async () => {
    const target = postgresUrl() ? { url: postgresUrl() } : { dataDir: path.join(tmp, 'tty') };
    const name = uniqueName('typist');
    const run = (typed: string[]) => inTerminal(target, ['users', 'add', name, '--role', 'viewer'], typed);
    const differ = await run(['typed password 1', 'typed password 2']);
    expect(differ.output).toMatch(/New password: [\s\S]*Repeat it: [\s\S]*the two passwords differ; nothing changed/);
    expect(differ.code).toBe(2);
    const added = await run(['typed password 1', 'typed password 1']);
    expect(added.output).toMatch(`User ${name} added (viewer).`);
    expect(added.code).toBe(0);
    expect(differ.output + added.output).not.toContain('typed password');
  });

  it('on embedded PGlite, says to stop the server when it holds the folder', { timeout: 180_000 }, async () => {
    const dataDir = path.join(tmp, 'held');
    const server = await openDatabase({ dataDir }); // stands for a running Brook server
    try {
      await server.migrate(MIGRATIONS_FOLDER);
      const held = await brook({ dataDir }, ['users', 'list']);
      expect(held.code).toBe(1);
      expect(held.stderr).toMatch(/already in use by process \d+/);
      expect(held.stderr).toMatch(/If that is the Brook server: stop it/);
    } finally {
      await server.close();
    }
    const added = await brook({ dataDir }, ['users', 'add', 'first', '--role', 'admin', '--password-stdin'], 'first admin password');
    expect(added.stderr).toBe('');
    expect(added).toMatchObject({ code: 0, stdout: 'User first added (admin).\n' });
  });
});

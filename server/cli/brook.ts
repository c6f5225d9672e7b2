import os from 'node:os';
import path from 'node:path';
import { type Database, openDatabase } from '@/db/client';
import { MIGRATIONS_FOLDER } from '@/db/env';
import { type AuditActor, Auth } from '@/server/broker/auth';
import { checkRole } from '@/server/broker/auth/names';
import { errorMessage, isBrokerError } from '@/server/broker/errors';
import { brookEnv, databaseOptions } from '@/server/env';
import { ACLS_USAGE, runAcls } from './acls';
import { readNewPassword, UsageError } from './password-input';

/**
 * `npm run brook -- <command>`: users, API tokens and ACL bindings from a shell, on the database the server uses
 * (DATABASE_URL, else the embedded PGlite folder). Every change is audited, with actor `cli:<OS user>`.
 */
const USAGE = `Usage: npm run brook -- <command>

  users list
  users add <name> --role <viewer|producer|admin> [--password-stdin]
  users passwd <name> [--password-stdin]
  users role <name> <viewer|producer|admin>
  users remove <name>
  users unlock <name>          forget the name's failed logins and its login delay
  tokens create <name> --role <viewer|producer|admin> [--expires-in-days N]
  tokens list
  tokens revoke <name>
${ACLS_USAGE}

Passwords are asked for on the terminal (not echoed), or read from stdin with --password-stdin.
A token is printed once, when it is created; only its hash is stored.`;

interface Parsed {
  words: string[];
  flags: Map<string, string | true>;
}

const VALUED = new Set(['--role', '--expires-in-days', '--host']);
const SWITCHES = new Set(['--password-stdin', '--help', '--prefixed']);

export function parseArgs(argv: readonly string[]): Parsed {
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--password')
      throw new UsageError(
        'passwords are not taken as arguments (they end up in shell history and ps): use --password-stdin or the prompt',
      );
    if (SWITCHES.has(name)) flags.set(name, true);
    else if (VALUED.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      flags.set(name, value);
    } else throw new UsageError(`unknown option ${name}`);
  }
  return { words, flags };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

function cliActor(): AuditActor {
  let user = 'unknown';
  try {
    user = os.userInfo().username || user;
  } catch {
    /* no passwd entry (some containers) */
  }
  return { principal: { kind: 'user', name: `cli:${user}`, role: 'admin', hidePayloads: false }, address: null };
}

function one(words: string[], count: number, usage: string): string[] {
  if (words.length !== count) throw new UsageError(`usage: npm run brook -- ${usage}`);
  return words;
}

/** Runs one command; returns what to print. */
export async function run(auth: Auth, { words, flags }: Parsed): Promise<string> {
  const actor = cliActor();
  const [group, command, ...rest] = words;
  if (group === 'acls') return runAcls(auth, actor, command, rest, flags);
  const role = () => {
    const r = flags.get('--role');
    if (typeof r !== 'string') throw new UsageError('--role <viewer|producer|admin> is required');
    return checkRole(r);
  };
  switch (`${group} ${command}`) {
    case 'users list': {
      one(rest, 0, 'users list');
      const users = await auth.users.list();
      if (users.length === 0) return 'No users.';
      return table([['NAME', 'ROLE', 'CREATED', 'UPDATED'], ...users.map((u) => [u.name, u.role, when(u.createdAt), when(u.updatedAt)])]);
    }
    case 'users add': {
      const [name] = one(rest, 1, 'users add <name> --role <role> [--password-stdin]');
      const r = role();
      const password = await readNewPassword(flags.has('--password-stdin'));
      const user = await auth.users.add({ name, password, role: r }, actor);
      return `User ${user.name} added (${user.role}).`;
    }
    case 'users passwd': {
      const [name] = one(rest, 1, 'users passwd <name> [--password-stdin]');
      await auth.users.setPassword(name, await readNewPassword(flags.has('--password-stdin')), actor);
      return `Password of ${name} changed; their console sessions have ended.`;
    }
    case 'users role': {
      const [name, r] = one(rest, 2, 'users role <name> <role>');
      await auth.users.setRole(name, checkRole(r), actor);
      return `${name} is now ${r}.`;
    }
    case 'users remove': {
      const [name] = one(rest, 1, 'users remove <name>');
      await auth.users.remove(name, actor);
      return `User ${name} removed.`;
    }
    case 'users unlock': {
      // Any attempted name, not only a user's: a token's name or an unknown one can be throttled too.
      const [name] = one(rest, 1, 'users unlock <name>');
      const cleared = await auth.unlock(name, actor);
      return cleared ? `Failed logins of ${name} forgotten: it may log in at once.` : `${name} had no failed logins to forget.`;
    }
    case 'tokens create': {
      const [name] = one(rest, 1, 'tokens create <name> --role <role> [--expires-in-days N]');
      const days = flags.get('--expires-in-days');
      if (days !== undefined && (typeof days !== 'string' || !/^\d+$/.test(days)))
        throw new UsageError('--expires-in-days takes a whole number');
      const { token, summary } = await auth.tokens.create(
        { name, role: role(), expiresInDays: days === undefined ? undefined : Number(days) },
        actor,
      );
      const expiry = summary.expiresAt ? `, expires ${when(summary.expiresAt)}` : ', no expiry';
      return `Token ${summary.name} (${summary.role}${expiry}). Copy it now: it is not shown again.\n${token}`;
    }
    case 'tokens list': {
      one(rest, 0, 'tokens list');
      const tokens = await auth.tokens.list();
      if (tokens.length === 0) return 'No tokens.';
      const state = (t: (typeof tokens)[number]) =>
        t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt.getTime() <= Date.now() ? 'expired' : 'active';
      return table([
        ['NAME', 'ROLE', 'STATE', 'CREATED BY', 'CREATED', 'EXPIRES', 'LAST USED'],
        ...tokens.map((t) => [t.name, t.role, state(t), t.createdBy, when(t.createdAt), when(t.expiresAt), when(t.lastUsedAt)]),
      ]);
    }
    case 'tokens revoke': {
      const [name] = one(rest, 1, 'tokens revoke <name>');
      await auth.tokens.revoke(name, actor);
      return `Token ${name} revoked.`;
    }
    default:
      throw new UsageError(USAGE);
  }
}

/** The database the server uses; a PGlite folder held by a running server is refused with what to do. */
async function open(): Promise<Database> {
  try {
    const db = await openDatabase(databaseOptions(brookEnv()));
    await db.migrate(MIGRATIONS_FOLDER).catch(async (err) => {
      await db.close();
      throw err;
    });
    return db;
  } catch (err) {
    const message = errorMessage(err);
    if (/already in use/.test(message)) {
      throw new Error(
        `${message}\nIf that is the Brook server: stop it, run this command, then start it again (embedded PGlite admits one process at a time).`,
      );
    }
    throw err;
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
    if (parsed.flags.has('--help') || parsed.words.length < 2) {
      console.log(USAGE);
      return parsed.flags.has('--help') ? 0 : 2;
    }
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  let db: Database | null = null;
  try {
    db = await open();
    const out = await run(new Auth(db, Date.now, { mode: 'on' }), parsed);
    console.log(out);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      return 2;
    }
    console.error(isBrokerError(err) ? `${err.message} (${err.kafkaName})` : `brook: ${errorMessage(err)}`);
    return 1;
  } finally {
    await db?.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('server', 'cli', 'brook.ts'))) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`brook: ${errorMessage(err)}`);
      process.exit(1);
    },
  );
}

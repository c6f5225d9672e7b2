import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, describeUrl, openDatabase } from '@/db/client';
import { MIGRATIONS_FOLDER } from '@/db/env';

/** Which tables (or the relation list) differ between two digests, for a failure report. */
export function digestDiff(before: string, after: string): string {
  const [relBefore, rowsBefore = ''] = before.split('|');
  const [relAfter, rowsAfter = ''] = after.split('|');
  const parts = (s: string) => new Map(s.split(',').map((p) => [p.split(':')[0], p] as const));
  const a = parts(rowsBefore);
  const b = parts(rowsAfter);
  const tables = [...new Set([...a.keys(), ...b.keys()])].filter((t) => a.get(t) !== b.get(t));
  const out = tables.map((t) => `${t} (rows ${a.get(t)?.split(':')[1] ?? 0} → ${b.get(t)?.split(':')[1] ?? 0})`);
  if (relBefore !== relAfter) out.push('relations (tables, indexes or sequences created or dropped)');
  return out.join(', ') || 'nothing';
}

/** The fuzz run's database: in-memory PGlite, or a fresh database on `url`'s server, dropped at the end. */
export interface FuzzDatabase {
  db: Database;
  description: string;
  drop(): Promise<void>;
}

export async function openFuzzDatabase(url: string | undefined): Promise<FuzzDatabase> {
  if (!url) {
    const db = await openDatabase({ dataDir: 'memory://' });
    await db.migrate(MIGRATIONS_FOLDER);
    return { db, description: 'PGlite (in memory)', drop: () => db.close() };
  }
  const name = `brook_fuzz_${randomBytes(5).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await openDatabase({ url: u.toString(), poolSize: 10 });
  await db.migrate(MIGRATIONS_FOLDER);
  return {
    db,
    description: `${describeUrl(u.toString())} (fresh database ${name})`,
    async drop() {
      await db.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * A cheap digest of every table's content. Each live row version has a (table, ctid, xmin) of its own: an
 * insert, update (even to the same values) or delete changes the set, a rolled-back one does not. Hashing
 * those instead of the rows reads no TOASTed values (a 1 MB record costs what a small one does). The
 * relation list (names and kinds, child tables and indexes included) catches DDL.
 */
export interface DigestOptions {
  /** Tables that record rejected calls by design (the audit log, failed-login counters): not compared. */
  ignoreTables?: readonly string[];
  /** Columns a successful authentication writes (a token's last use): compared without them. */
  ignoreColumns?: Readonly<Record<string, readonly string[]>>;
}

/** What auth writes on refused calls by design: denied attempts audited, failed logins counted. */
export const AUTH_BOOKKEEPING: DigestOptions = {
  ignoreTables: ['public.audit_log', 'public.login_failures'],
  ignoreColumns: { 'public.api_tokens': ['last_used_at'] },
};

export class StateDigest {
  private relations = '';
  private statement = '';

  constructor(
    private readonly db: Database,
    private readonly options: DigestOptions = AUTH_BOOKKEEPING,
  ) {}

  async take(): Promise<string> {
    const [rel] = await this.db.query<{ list: string }>(
      `SELECT coalesce(string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text, ',' ORDER BY n.nspname, c.relname), '') AS list
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%'
          AND c.relkind IN ('r', 'p', 'i', 'I', 'v', 'm', 'S')`,
      [],
      { prepare: false },
    );
    if (rel.list !== this.relations) {
      this.relations = rel.list;
      this.statement = await this.buildStatement();
    }
    const rows = await this.db.query<{ t: string; n: string; h: string }>(this.statement, [], { prepare: false });
    return `${this.relations}|${rows.map((r) => `${r.t}:${r.n}:${r.h}`).join(',')}`;
  }

  /** One UNION ALL over the top-level tables (a partitioned table reads its partitions). */
  private async buildStatement(): Promise<string> {
    const tables = await this.db.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%'
          AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        ORDER BY 1`,
      [],
      { prepare: false },
    );
    const ignored = new Set(this.options.ignoreTables ?? []);
    const compared = tables.filter(({ name }) => !ignored.has(name.replaceAll('"', '')));
    if (compared.length === 0) return `SELECT '' AS t, '0' AS n, '0' AS h`;
    // Identifiers come from the catalog, quoted by format('%I'); literals are the same names, escaped.
    const literal = (v: string) => `'${v.replaceAll("'", "''")}'`;
    return compared
      .map(({ name }) => {
        const without = this.options.ignoreColumns?.[name.replaceAll('"', '')];
        // Rows of a table with ignored columns are hashed by content without them (an update of only those is no change).
        const row = without
          ? `(to_jsonb(x) ${without.map((c) => `- ${literal(c)}`).join(' ')})::text`
          : `x.tableoid::text || x.ctid::text || x.xmin::text`;
        return `SELECT ${literal(name)} AS t, count(*)::text AS n, coalesce(sum(hashtext(${row})::bigint), 0)::text AS h FROM ${name} x`;
      })
      .join(' UNION ALL ');
  }
}

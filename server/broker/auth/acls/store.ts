import type { Queryable } from '@/db/client';
import { type AuditActor, type AuthStoreContext, auditedChange } from '../store';
import type { AclBinding, AclBindingFilter } from './types';
import { filterMatches } from './validate';

/** Other processes learn of a change from this channel (payload: the new version) or from the version row. */
export const ACL_CHANNEL = 'brook_acls';

interface Row {
  id: number;
  resource_type: AclBinding['resourceType'];
  pattern_type: AclBinding['patternType'];
  resource_name: string;
  principal: string;
  host: string;
  operation: AclBinding['operation'];
  permission: AclBinding['permission'];
}

const COLUMNS = 'id, resource_type, pattern_type, resource_name, principal, host, operation, permission';

const toBinding = (r: Row): AclBinding => ({
  resourceType: r.resource_type,
  patternType: r.pattern_type,
  resourceName: r.resource_name,
  principal: r.principal,
  host: r.host,
  operation: r.operation,
  permission: r.permission,
});

/** Every binding and the version they are at, read in one statement so they agree. */
export async function loadAcls(q: Queryable): Promise<{ version: number; bindings: AclBinding[] }> {
  const rows = await q.query<Row & { version: number | null }>(
    `SELECT v.version, a.id, a.resource_type, a.pattern_type, a.resource_name, a.principal, a.host, a.operation, a.permission
     FROM (SELECT COALESCE(MAX(version), 0) AS version FROM acl_version) v LEFT JOIN acls a ON true ORDER BY a.id`,
    [],
    { name: 'acls.load' },
  );
  const version = Number(rows[0]?.version ?? 0);
  return { version, bindings: rows.filter((r) => r.id !== null).map(toBinding) };
}

export async function aclVersion(q: Queryable): Promise<number> {
  const [row] = await q.query<{ version: number }>(`SELECT COALESCE(MAX(version), 0) AS version FROM acl_version`, [], {
    name: 'acls.version',
  });
  return Number(row?.version ?? 0);
}

/** Bumps the version and tells every process, in the change's transaction (NOTIFY is sent at commit). */
async function bump(tx: Queryable): Promise<void> {
  await tx.query(
    `WITH v AS (
       INSERT INTO acl_version (id, version) VALUES (1, 1)
       ON CONFLICT (id) DO UPDATE SET version = acl_version.version + 1 RETURNING version)
     SELECT pg_notify('${ACL_CHANNEL}', version::text) FROM v`,
    [],
    { name: 'acls.bump' },
  );
}

/** Bindings matching a filter (few: ACL tables are small, so filters run here rather than in SQL). */
export async function describeAcls(q: Queryable, filter: AclBindingFilter): Promise<AclBinding[]> {
  const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM acls ORDER BY id`, [], { name: 'acls.describe' });
  return rows.map(toBinding).filter((b) => filterMatches(filter, b));
}

const summary = (bindings: readonly AclBinding[]) =>
  bindings
    .slice(0, 20)
    .map((b) => `${b.permission} ${b.principal}@${b.host} ${b.operation} ${b.resourceType}:${b.patternType}:${b.resourceName}`);

/** Stores valid bindings (already checked); one already there is left as it is, as in Kafka. Audited. */
export async function createAcls(ctx: AuthStoreContext, actor: AuditActor, bindings: readonly AclBinding[]): Promise<void> {
  if (bindings.length === 0) return;
  await auditedChange(
    ctx,
    { action: 'acls.create', target: null, actor, details: { bindings: summary(bindings), count: bindings.length } },
    async (tx) => {
      for (const b of bindings) {
        await tx.query(
          `INSERT INTO acls (resource_type, pattern_type, resource_name, principal, host, operation, permission, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (resource_type, pattern_type, resource_name, principal, host, operation, permission) DO NOTHING`,
          [b.resourceType, b.patternType, b.resourceName, b.principal, b.host, b.operation, b.permission, ctx.now(), actor.principal.name],
          { name: 'acls.insert' },
        );
      }
      await bump(tx);
    },
  );
}

/** Deletes what each filter matches and returns, per filter, the bindings it removed. Audited. */
export async function deleteAcls(ctx: AuthStoreContext, actor: AuditActor, filters: readonly AclBindingFilter[]): Promise<AclBinding[][]> {
  return auditedChange(ctx, { action: 'acls.delete', target: null, actor, details: { filters } }, async (tx) => {
    const rows = await tx.query<Row>(`SELECT ${COLUMNS} FROM acls ORDER BY id FOR UPDATE`, [], { name: 'acls.delete_scan' });
    const ids = new Set<number>();
    const matched = filters.map((f) =>
      rows.filter((r) => {
        const hit = filterMatches(f, toBinding(r));
        if (hit) ids.add(Number(r.id));
        return hit;
      }),
    );
    if (ids.size > 0) {
      await tx.query(`DELETE FROM acls WHERE id = ANY($1::bigint[])`, [[...ids]], { name: 'acls.delete' });
      await bump(tx);
    }
    return matched.map((list) => list.map(toBinding));
  });
}

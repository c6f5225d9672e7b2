'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/provider';
import { Badge, EmptyState, ErrorBox, PageHeader } from '@/components/ui/bits';
import { formatTime } from '@/components/ui/format';
import { AdminOnly } from './admin-only';
import { AUDIT_PAGE, type AuditQuery, auditHref } from './audit-query';
import styles from './auth.module.css';
import { toMs } from './queries';

const TONE = { ok: 'ok', denied: 'warn', failed: 'err' } as const;

export function AuditPage({ initial }: { initial: AuditQuery }) {
  return (
    <AdminOnly>
      <PageHeader title="Audit log" subtitle="Logins and every admin action, newest first (times in UTC)." />
      <AuditFilters key={`${initial.actor}|${initial.action}`} query={initial} />
      <AuditTable query={initial} />
    </AdminOnly>
  );
}

function AuditFilters({ query }: { query: AuditQuery }) {
  const router = useRouter();
  const [actor, setActor] = useState(query.actor ?? '');
  const [action, setAction] = useState(query.action ?? '');
  return (
    <form
      className={`toolbar ${styles.filters}`}
      onSubmit={(e) => {
        e.preventDefault();
        router.push(auditHref({ actor: actor.trim(), action: action.trim() }));
      }}
    >
      <label>
        Actor
        <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="user or token name" data-testid="audit-filter-actor" />
      </label>
      <label>
        Action
        <input value={action} onChange={(e) => setAction(e.target.value)} placeholder="e.g. auth.login" data-testid="audit-filter-action" />
      </label>
      <button type="submit" className="btn" data-testid="audit-filter-apply">
        Filter
      </button>
      {(query.actor || query.action) && (
        <Link href="/audit" className="btn ghost" data-testid="audit-filter-clear">
          Clear
        </Link>
      )}
    </form>
  );
}

function AuditTable({ query }: { query: AuditQuery }) {
  const trpc = useTRPC();
  const audit = useQuery(trpc.auth.audit.queryOptions(query));
  const all = audit.data ?? [];
  const entries = all.slice(0, AUDIT_PAGE);
  const older = all.length > AUDIT_PAGE ? entries[entries.length - 1]?.id : undefined;
  if (audit.error) return <ErrorBox error={audit.error} />;
  if (audit.data && entries.length === 0)
    return (
      <EmptyState title="No entries" testId="audit-empty">
        {query.actor || query.action ? 'Nothing matches these filters.' : 'Logins and admin actions will appear here.'}
      </EmptyState>
    );
  return (
    <>
      <div className="table-wrap">
        <table className="cards-narrow" data-testid="audit-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>From</th>
              <th>Outcome</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid={`audit-row-${e.id}`}>
                <td className="nowrap mono small">{formatTime(toMs(e.at))}</td>
                <td data-label="Actor">
                  {/* A failed login's name is the client's text, quoted and escaped by the server when it could mimic a real one. */}
                  <span className={e.actorKind === 'unknown' ? 'strong mono' : 'strong'} data-testid="audit-actor">
                    {e.actor}
                  </span>{' '}
                  <span className="muted small">{e.actorKind === 'unknown' ? 'attempted name' : e.actorKind}</span>
                </td>
                <td className="mono" data-label="Action" data-testid="audit-action">
                  {e.action}
                </td>
                <td data-label="Target">{e.target ?? <span className="muted">–</span>}</td>
                <td className="mono small" data-label="From">
                  {e.address ?? <span className="muted">–</span>}
                </td>
                <td data-label="Outcome" data-testid="audit-outcome">
                  <Badge tone={TONE[e.outcome]}>{e.outcome}</Badge>
                </td>
                <td className="mono small muted" data-label="Details">
                  {e.details ? JSON.stringify(e.details) : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className={styles.pager}>
        {query.before && (
          <Link href={auditHref({ actor: query.actor, action: query.action })} className="btn" data-testid="audit-newest">
            Newest
          </Link>
        )}
        {older && (
          <Link href={auditHref({ actor: query.actor, action: query.action, before: older })} className="btn" data-testid="audit-older">
            Older
          </Link>
        )}
      </div>
    </>
  );
}

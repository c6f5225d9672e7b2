/** Entries per page of the audit log. */
export const AUDIT_PAGE = 50;

export interface AuditQuery {
  limit: number;
  before?: string;
  actor?: string;
  action?: string;
}

const param = (v: string | string[] | undefined): string | undefined => {
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s ? s.slice(0, 200) : undefined;
};

/**
 * The audit page's query from its URL (`?actor=&action=&before=`), the same on the server and in the
 * browser so the prefetched page is the one shown. One entry more than a page: its presence says an
 * older page exists.
 */
export function auditQuery(params: Record<string, string | string[] | undefined>): AuditQuery {
  const q: AuditQuery = { limit: AUDIT_PAGE + 1 };
  const before = param(params.before);
  const actor = param(params.actor);
  const action = param(params.action);
  if (before) q.before = before;
  if (actor) q.actor = actor;
  if (action) q.action = action;
  return q;
}

/** The URL of a page of the log. */
export function auditHref(q: Omit<AuditQuery, 'limit'>): string {
  const sp = new URLSearchParams();
  if (q.actor) sp.set('actor', q.actor);
  if (q.action) sp.set('action', q.action);
  if (q.before) sp.set('before', q.before);
  const s = sp.toString();
  return s ? `/audit?${s}` : '/audit';
}

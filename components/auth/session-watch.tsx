'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useMe } from './auth-context';

/** A query answered 401: the session ended (expired, logged out elsewhere, user removed). */
function isUnauthorized(error: unknown): boolean {
  return (error as { data?: { code?: string } } | null)?.data?.code === 'UNAUTHORIZED';
}

/**
 * With auth on, a page that was open when its session ended goes to /login (and back here after) as soon
 * as any of its queries is refused, instead of showing 401 errors in every panel. Page loads are sent
 * there by proxy.ts already; this covers pages already open and client-side navigation.
 */
export function SessionWatch() {
  const me = useMe();
  const qc = useQueryClient();
  const on = me.mode === 'on' && me.principal !== null;
  useEffect(() => {
    if (!on) return;
    let gone = false;
    return qc.getQueryCache().subscribe((event) => {
      if (gone || event.type !== 'updated' || !isUnauthorized(event.query.state.error)) return;
      gone = true;
      const here = `${window.location.pathname}${window.location.search}`;
      window.location.assign(`/login?next=${encodeURIComponent(here)}`);
    });
  }, [on, qc]);
  return null;
}

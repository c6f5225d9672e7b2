'use client';

import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/provider';
import { Badge } from '@/components/ui/bits';
import styles from './auth.module.css';
import { useMe } from './auth-context';

/** Who is logged in, with which role, and Log out; nothing with auth off (nobody logs in). */
export function UserMenu() {
  const me = useMe();
  const trpc = useTRPC();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      // A full load: the layout reads the (now absent) session again and every cached answer goes.
      onSettled: () => window.location.assign('/login'),
    }),
  );
  if (me.mode !== 'on' || !me.principal) return null;
  return (
    <div className={styles.userMenu} data-testid="auth-user-menu">
      <span className={styles.userName} data-testid="auth-user-name" title={me.principal.kind === 'token' ? 'API token' : 'User'}>
        {me.principal.name}
      </span>
      <Badge tone={me.principal.role === 'admin' ? 'accent' : 'neutral'} testId="auth-user-role">
        {me.principal.role}
      </Badge>
      <button type="button" className="btn ghost" onClick={() => logout.mutate()} disabled={logout.isPending} data-testid="auth-logout">
        {logout.isPending ? 'Logging out…' : 'Log out'}
      </button>
    </div>
  );
}

'use client';

import { EmptyState } from '@/components/ui/bits';
import { useCan } from './auth-context';

/** A page for admins: anyone else is told so (the API refuses them anyway), and no data is asked for. */
export function AdminOnly({ children }: { children: React.ReactNode }) {
  if (useCan('admin')) return children;
  return (
    <EmptyState title="Admins only" testId="auth-forbidden">
      This page needs the admin role. Ask an admin to change your role if you need it.
    </EmptyState>
  );
}

'use client';

import { PageHeader } from '@/components/ui/bits';
import { AdminOnly } from './admin-only';
import { TokensTable } from './tokens-table';
import { UsersTable } from './users-table';

export function UsersPage() {
  return (
    <AdminOnly>
      <PageHeader title="Users & tokens" subtitle="People log in to the console; programs and Kafka clients use API tokens." />
      <div className="stack">
        <UsersTable />
        <TokensTable />
      </div>
    </AdminOnly>
  );
}

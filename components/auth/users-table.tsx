'use client';

import { useState } from 'react';
import { Card, ErrorBox } from '@/components/ui/bits';
import { formatTime } from '@/components/ui/format';
import { type Column, SortableTable } from '@/components/ui/sortable-table';
import type { Role } from '@/server/kernel/auth-types';
import { useMe } from './auth-context';
import { toMs, useUserActions, useUsers } from './queries';
import { AddUserDialog, PasswordDialog, RemoveUserDialog, RoleOptions } from './user-dialogs';

interface Row {
  name: string;
  role: Role;
  createdAt: number | null;
  updatedAt: number | null;
}

export function UsersTable() {
  const users = useUsers();
  const { setRole } = useUserActions();
  const me = useMe();
  const [adding, setAdding] = useState(false);
  const [passwordFor, setPasswordFor] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const rows: Row[] = (users.data ?? []).map((u) => ({ ...u, createdAt: toMs(u.createdAt), updatedAt: toMs(u.updatedAt) }));
  const columns: Column<Row>[] = [
    {
      key: 'name',
      header: 'Name',
      sort: (r) => r.name,
      className: 'strong',
      render: (r) => (
        <>
          {r.name}
          {me.principal?.kind === 'user' && me.principal.name === r.name && <span className="muted"> (you)</span>}
        </>
      ),
    },
    {
      key: 'role',
      header: 'Role',
      sort: (r) => r.role,
      render: (r) => (
        <select
          value={r.role}
          aria-label={`Role of ${r.name}`}
          disabled={setRole.isPending}
          onChange={(e) => setRole.mutate({ name: r.name, role: e.target.value as Role })}
          data-testid={`users-role-${r.name}`}
        >
          <RoleOptions />
        </select>
      ),
    },
    { key: 'created', header: 'Created', sort: (r) => r.createdAt ?? 0, render: (r) => formatTime(r.createdAt) },
    { key: 'updated', header: 'Changed', sort: (r) => r.updatedAt ?? 0, render: (r) => formatTime(r.updatedAt) },
    {
      key: 'actions',
      header: '',
      render: (r) => (
        <span className="nowrap">
          <button type="button" className="btn ghost" onClick={() => setPasswordFor(r.name)} data-testid={`users-password-${r.name}`}>
            Reset password
          </button>
          <button type="button" className="btn ghost danger" onClick={() => setRemoving(r.name)} data-testid={`users-remove-${r.name}`}>
            Remove
          </button>
        </span>
      ),
    },
  ];
  return (
    <Card
      title="Users"
      testId="users-card"
      actions={
        <button type="button" className="btn primary" onClick={() => setAdding(true)} data-testid="users-add-open">
          Add user
        </button>
      }
    >
      <ErrorBox error={users.error ?? setRole.error} />
      <SortableTable
        rows={rows}
        columns={columns}
        rowKey={(r) => r.name}
        initialSort={{ key: 'name' }}
        testId="users-table"
        rowTestId={(r) => `users-row-${r.name}`}
      />
      <AddUserDialog open={adding} onClose={() => setAdding(false)} />
      <PasswordDialog name={passwordFor} onClose={() => setPasswordFor(null)} />
      <RemoveUserDialog name={removing} onClose={() => setRemoving(null)} />
    </Card>
  );
}

'use client';

import { useState } from 'react';
import { Badge, Card, EmptyState, ErrorBox } from '@/components/ui/bits';
import { formatTime } from '@/components/ui/format';
import { type Column, SortableTable } from '@/components/ui/sortable-table';
import type { Role } from '@/server/kernel/auth-types';
import { toMs, useTokens } from './queries';
import { CreateTokenDialog, RevokeTokenDialog } from './token-dialogs';

interface Row {
  name: string;
  role: Role;
  createdBy: string;
  createdAt: number | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

function Status({ row, now }: { row: Row; now: number }) {
  if (row.revokedAt !== null) return <Badge tone="err">revoked</Badge>;
  if (row.expiresAt !== null && row.expiresAt <= now) return <Badge tone="warn">expired</Badge>;
  return <Badge tone="ok">active</Badge>;
}

export function TokensTable() {
  const tokens = useTokens();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<string | null>(null);
  // The list's own fetch time: expiry is judged against when the answer came, not a clock ticking in render.
  const now = tokens.dataUpdatedAt;
  const rows: Row[] = (tokens.data ?? []).map((t) => ({
    ...t,
    createdAt: toMs(t.createdAt),
    expiresAt: toMs(t.expiresAt),
    lastUsedAt: toMs(t.lastUsedAt),
    revokedAt: toMs(t.revokedAt),
  }));
  const columns: Column<Row>[] = [
    { key: 'name', header: 'Name', sort: (r) => r.name, className: 'strong', render: (r) => r.name },
    { key: 'role', header: 'Role', sort: (r) => r.role, render: (r) => r.role },
    {
      key: 'status',
      header: 'Status',
      render: (r) => <Status row={r} now={now} />,
      cellTestId: (r) => `tokens-status-${r.name}`,
    },
    { key: 'createdBy', header: 'Created by', sort: (r) => r.createdBy, render: (r) => r.createdBy },
    { key: 'created', header: 'Created', sort: (r) => r.createdAt ?? 0, render: (r) => formatTime(r.createdAt) },
    {
      key: 'expires',
      header: 'Expires',
      sort: (r) => r.expiresAt ?? Infinity,
      render: (r) => (r.expiresAt === null ? 'never' : formatTime(r.expiresAt)),
    },
    {
      key: 'lastUsed',
      header: 'Last used',
      sort: (r) => r.lastUsedAt ?? 0,
      render: (r) => (r.lastUsedAt === null ? 'never' : formatTime(r.lastUsedAt)),
    },
    {
      key: 'actions',
      header: '',
      render: (r) =>
        r.revokedAt === null && (
          <button type="button" className="btn ghost danger" onClick={() => setRevoking(r.name)} data-testid={`tokens-revoke-${r.name}`}>
            Revoke
          </button>
        ),
    },
  ];
  return (
    <Card
      title="API tokens"
      testId="tokens-card"
      actions={
        <button type="button" className="btn primary" onClick={() => setCreating(true)} data-testid="tokens-create-open">
          Create token
        </button>
      }
    >
      <ErrorBox error={tokens.error} />
      {tokens.data && tokens.data.length === 0 ? (
        <EmptyState title="No API tokens" testId="tokens-empty">
          Tokens let programs call the HTTP API (<code>Authorization: Bearer</code>) and Kafka clients log in (SASL).
        </EmptyState>
      ) : (
        <SortableTable
          rows={rows}
          columns={columns}
          rowKey={(r) => r.name}
          initialSort={{ key: 'name' }}
          testId="tokens-table"
          rowTestId={(r) => `tokens-row-${r.name}`}
        />
      )}
      <CreateTokenDialog open={creating} onClose={() => setCreating(false)} />
      <RevokeTokenDialog name={revoking} onClose={() => setRevoking(null)} />
    </Card>
  );
}

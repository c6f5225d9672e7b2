'use client';

import { useState } from 'react';
import { AdminOnly } from '@/components/auth/admin-only';
import type { AclBinding } from '@/components/trpc/outputs';
import { Badge, Card, EmptyState, ErrorBox, PageHeader } from '@/components/ui/bits';
import { type Column, SortableTable } from '@/components/ui/sortable-table';
import type { ResourceType } from '@/server/kernel/acl-names';
import { AddAclDialog } from './add-acl-dialog';
import { type AclFilterForm, bindingKey, NO_FILTER, RESOURCE_TYPE_OPTIONS, useAclActions, useAcls } from './queries';

function Filters({ value, onChange }: { value: AclFilterForm; onChange: (f: AclFilterForm) => void }) {
  return (
    <div className="toolbar" data-testid="acls-filters">
      <select
        value={value.resourceType}
        onChange={(e) => onChange({ ...value, resourceType: e.target.value as AclFilterForm['resourceType'] })}
        aria-label="Resource type"
        data-testid="acls-filter-type"
      >
        <option value="ANY">Any resource type</option>
        {RESOURCE_TYPE_OPTIONS.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <input
        value={value.resourceName}
        onChange={(e) => onChange({ ...value, resourceName: e.target.value })}
        placeholder="Applies to resource…"
        aria-label="Resource name"
        data-testid="acls-filter-name"
      />
      <input
        value={value.principal}
        onChange={(e) => onChange({ ...value, principal: e.target.value })}
        placeholder="Principal (User:name)"
        aria-label="Principal"
        data-testid="acls-filter-principal"
      />
    </div>
  );
}

export function AclsPage() {
  const [filter, setFilter] = useState<AclFilterForm>(NO_FILTER);
  const [adding, setAdding] = useState(false);
  const acls = useAcls(filter);
  const rows = (acls.data ?? []).filter((b) => b.principal.toLowerCase().includes(filter.principal.trim().toLowerCase()));
  const { remove } = useAclActions();
  const filtered = filter.resourceType !== 'ANY' || filter.resourceName.trim() !== '' || filter.principal.trim() !== '';
  const columns: Column<AclBinding>[] = [
    {
      key: 'permission',
      header: 'Permission',
      sort: (r) => r.permission,
      render: (r) => <Badge tone={r.permission === 'DENY' ? 'err' : 'ok'}>{r.permission}</Badge>,
    },
    { key: 'principal', header: 'Principal', sort: (r) => r.principal, className: 'strong', render: (r) => r.principal },
    { key: 'operation', header: 'Operation', sort: (r) => r.operation, render: (r) => r.operation },
    { key: 'type', header: 'Resource type', sort: (r) => r.resourceType, render: (r) => r.resourceType as ResourceType },
    { key: 'pattern', header: 'Pattern', sort: (r) => r.patternType, render: (r) => r.patternType },
    { key: 'name', header: 'Resource', sort: (r) => r.resourceName, render: (r) => <code>{r.resourceName}</code> },
    { key: 'host', header: 'Host', sort: (r) => r.host, render: (r) => r.host },
    {
      key: 'actions',
      header: '',
      render: (r) => (
        <button
          type="button"
          className="btn ghost danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate({ ...r })}
          data-testid={`acls-delete-${bindingKey(r)}`}
        >
          Delete
        </button>
      ),
    },
  ];
  return (
    <AdminOnly>
      <PageHeader
        title="ACLs"
        subtitle="Kafka-style bindings narrow what users and tokens may do per topic, group and transactional id. DENY wins; a resource without bindings keeps its role's access."
      />
      <Card
        title="Bindings"
        testId="acls-card"
        actions={
          <button type="button" className="btn primary" onClick={() => setAdding(true)} data-testid="acls-add-open">
            Add binding
          </button>
        }
      >
        <Filters value={filter} onChange={setFilter} />
        <ErrorBox error={acls.error ?? remove.error} />
        {acls.data && rows.length === 0 ? (
          <EmptyState title={filtered ? 'No bindings match' : 'No ACL bindings'} testId="acls-empty">
            {filtered
              ? 'Nothing here applies to that filter: every matching resource is decided by its role.'
              : 'Every user and token has its role’s access to every topic and group. Add a binding to allow or deny one principal an operation on a resource.'}
          </EmptyState>
        ) : (
          <SortableTable
            rows={rows}
            columns={columns}
            rowKey={bindingKey}
            initialSort={{ key: 'name' }}
            testId="acls-table"
            rowTestId={(r) => `acls-row-${r.resourceName}-${r.principal}-${r.operation}-${r.permission}`}
          />
        )}
      </Card>
      <AddAclDialog open={adding} onClose={() => setAdding(false)} />
    </AdminOnly>
  );
}

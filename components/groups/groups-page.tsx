'use client';

import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/ui/bits';
import { formatNumber } from '@/components/ui/format';
import { type Column, SortableTable } from '@/components/ui/sortable-table';
import { useGroups } from './queries';
import { GroupStateBadge, StatusBadge } from './status-badge';

type Group = {
  groupId: string;
  state: string;
  members: number;
  assignor: string;
  totalLag: number;
  maxLag: number;
  status: string;
  topics: string[];
};

export function GroupsPage() {
  const groups = useGroups();
  const columns: Column<Group>[] = [
    {
      key: 'id',
      header: 'Group',
      sort: (g) => g.groupId,
      render: (g) => <Link href={`/groups/${encodeURIComponent(g.groupId)}`}>{g.groupId}</Link>,
    },
    { key: 'state', header: 'State', sort: (g) => g.state, render: (g) => <GroupStateBadge state={g.state} /> },
    {
      key: 'status',
      header: 'Status',
      sort: (g) => ['OK', 'WARN', 'ERR'].indexOf(g.status),
      render: (g) => <StatusBadge status={g.status} testId={`groups-status-${g.groupId}`} />,
    },
    { key: 'members', header: 'Members', numeric: true, sort: (g) => g.members, render: (g) => g.members },
    { key: 'assignor', header: 'Assignor', sort: (g) => g.assignor, render: (g) => g.assignor },
    {
      key: 'total',
      header: 'Total lag',
      numeric: true,
      sort: (g) => g.totalLag,
      render: (g) => <span data-testid={`groups-lag-${g.groupId}`}>{formatNumber(g.totalLag)}</span>,
    },
    { key: 'max', header: 'Max lag', numeric: true, sort: (g) => g.maxLag, render: (g) => formatNumber(g.maxLag) },
    {
      key: 'topics',
      header: 'Topics',
      render: (g) =>
        g.topics.map((t) => (
          <Link key={t} href={`/topics/${encodeURIComponent(t)}?tab=consumers`} className="chip">
            {t}
          </Link>
        )),
    },
  ];
  return (
    <>
      <PageHeader
        title="Consumer groups"
        subtitle="Members share a topic's partitions; the broker assigns them (KIP-848 style) and tracks lag."
      />
      {groups.data && groups.data.length === 0 ? (
        <EmptyState title="No consumer groups yet" testId="groups-empty">
          A group appears when a consumer joins it (
          <code>
            brook.consumer({'{'} groupId {'}'}).subscribe(…)
          </code>{' '}
          with the TypeScript client) or commits offsets.
        </EmptyState>
      ) : (
        <SortableTable
          rows={groups.data ?? []}
          columns={columns}
          rowKey={(g) => g.groupId}
          initialSort={{ key: 'total', desc: true }}
          testId="groups-table"
          rowTestId={(g) => `groups-row-${g.groupId}`}
        />
      )}
    </>
  );
}

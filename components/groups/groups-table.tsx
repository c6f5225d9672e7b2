'use client';

import Link from 'next/link';
import type { GroupSummary } from '@/components/trpc/outputs';
import { formatNumber } from '@/components/ui/format';
import { type Column, SortableTable } from '@/components/ui/sortable-table';
import { GroupStateBadge, StatusBadge, statusSeverity } from './status-badge';

type Group = Pick<GroupSummary, 'groupId' | 'state' | 'members' | 'assignor' | 'totalLag' | 'maxLag' | 'status' | 'topics'>;
export type GroupColumn = 'id' | 'state' | 'status' | 'members' | 'assignor' | 'total' | 'max' | 'topics';

const COLUMNS: Column<Group>[] = [
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
    sort: (g) => statusSeverity(g.status),
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

/** Consumer groups with their lag, highest total lag first; `show` picks the columns (all by default). */
export function GroupsTable({ groups, show, testId }: { groups: Group[]; show?: GroupColumn[]; testId: string }) {
  return (
    <SortableTable
      rows={groups}
      columns={show ? COLUMNS.filter((c) => show.includes(c.key as GroupColumn)) : COLUMNS}
      rowKey={(g) => g.groupId}
      initialSort={{ key: 'total', desc: true }}
      testId={testId}
      rowTestId={(g) => `groups-row-${g.groupId}`}
    />
  );
}

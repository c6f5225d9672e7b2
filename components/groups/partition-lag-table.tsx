'use client';

import Link from 'next/link';
import type { GroupLag, LagHistory } from '@/components/trpc/outputs';
import { formatDuration, formatNumber, formatRate } from '@/components/ui/format';
import { type Column, SortableTable } from '@/components/ui/sortable-table';
import { keyOf } from '@/server/kernel/topic-partition';
import { clearsIn } from './lag-progress';
import { StatusBadge, statusSeverity } from './status-badge';

type PartitionLag = GroupLag['partitions'][number];
type Row = PartitionLag & { rate: LagHistory['partitions'][number] | undefined };

const messagesAt = (p: PartitionLag) =>
  `/topics/${encodeURIComponent(p.topic)}?partition=${p.partition}${p.committedOffset !== null ? `&offset=${p.committedOffset}` : ''}`;

/**
 * Per partition of a group: offsets, lag, owner and Burrow status, sortable, one card per row on a phone.
 * `scope: 'group'` (the group page) adds the topic, time lag, rate and time to clear (from `history`);
 * `scope: 'topic'` (a topic's Consumers tab) shows one topic's partitions. Test ids are `${testIdPrefix}-<topic>-<partition>`.
 */
export function PartitionLagTable({
  partitions,
  history,
  scope,
  testId,
  testIdPrefix,
}: {
  partitions: PartitionLag[];
  history?: LagHistory;
  scope: 'group' | 'topic';
  testId?: string;
  testIdPrefix: string;
}) {
  const rates = new Map((history?.partitions ?? []).map((r) => [keyOf(r), r]));
  const rows: Row[] = partitions.map((p) => ({ ...p, rate: rates.get(keyOf(p)) }));
  const id = (suffix: string) => (p: PartitionLag) => `${testIdPrefix}${suffix}-${p.topic}-${p.partition}`;
  const columns: Array<Column<Row> | false> = [
    scope === 'group' && {
      key: 'topic',
      header: 'Topic',
      sort: (p) => p.topic,
      render: (p) => <Link href={messagesAt(p)}>{p.topic}</Link>,
    },
    {
      key: 'partition',
      header: 'Partition',
      numeric: true,
      sort: (p) => p.partition,
      render: (p) => (scope === 'topic' ? <Link href={messagesAt(p)}>{p.partition}</Link> : p.partition),
    },
    {
      key: 'committed',
      header: 'Committed',
      numeric: true,
      sort: (p) => p.committedOffset ?? -1,
      render: (p) => formatNumber(p.committedOffset),
    },
    { key: 'hwm', header: 'High watermark', numeric: true, sort: (p) => p.logEndOffset, render: (p) => formatNumber(p.logEndOffset) },
    {
      key: 'lag',
      header: 'Lag',
      numeric: true,
      className: 'strong',
      sort: (p) => p.lag ?? -1,
      render: (p) => formatNumber(p.lag),
      cellTestId: id('-lag'),
    },
    scope === 'group' && {
      key: 'time-lag',
      header: 'Time lag',
      sort: (p) => (p.lag === 0 ? 0 : (p.lagSeconds ?? 0)),
      render: (p) => (p.lag === 0 || p.lagSeconds === null || p.lagSeconds === undefined ? '–' : formatDuration(p.lagSeconds * 1000)),
    },
    scope === 'group' && {
      key: 'rate',
      header: 'Rate',
      sort: (p) => p.rate?.consumeRate ?? -1,
      render: (p) => formatRate(p.rate?.consumeRate),
      cellTestId: id('-rate'),
    },
    scope === 'group' && {
      key: 'clears',
      header: 'Clears in',
      // Caught up first, then by time to clear; stopped or not shrinking (no time) last.
      sort: (p) => (p.lag === 0 ? 0 : p.rate?.progress === 'clearing' ? (p.rate.timeToClearMs ?? 0) : Number.MAX_SAFE_INTEGER),
      render: (p) => clearsIn(p.lag, p.rate),
      cellTestId: id('-clears'),
    },
    { key: 'owner', header: 'Owner', className: 'mono', sort: (p) => p.memberId ?? '', render: (p) => p.memberId?.slice(0, 8) ?? '–' },
    { key: 'status', header: 'Status', sort: (p) => statusSeverity(p.status), render: (p) => <StatusBadge status={p.status} /> },
  ];
  return (
    <SortableTable
      rows={rows}
      columns={columns.filter((c) => c !== false)}
      rowKey={keyOf}
      testId={testId}
      rowTestId={id('')}
      className="compact"
    />
  );
}

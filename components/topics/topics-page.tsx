'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { useCan } from '@/components/auth/auth-context';
import { Sparkline } from '@/components/charts/sparkline';
import { useGroups } from '@/components/groups/queries';
import { EmptyState, PageHeader } from '@/components/ui/bits';
import { formatBytes, formatNumber, formatRate, formatRetention } from '@/components/ui/format';
import { type Column, SortableTable } from '@/components/ui/sortable-table';
import { TOPIC_CONFIGS } from '@/server/kernel/config-defs';
import { CreateTopicDialog } from './create-topic-dialog';
import { useTopicRates, useTopics } from './queries';

interface Row {
  name: string;
  partitions: number;
  records: number;
  bytes: number;
  retention: string;
  rates: number[];
  groups: Array<{ groupId: string; lag: number }>;
}

export function TopicsPage() {
  const params = useSearchParams();
  const canCreate = useCan('admin');
  const [creating, setCreating] = useState(params.get('create') === '1');
  const [search, setSearch] = useState('');
  const topics = useTopics();
  const rates = useTopicRates();
  const groups = useGroups();

  const rows: Row[] = (topics.data ?? [])
    .filter((t) => t.name.toLowerCase().includes(search.trim().toLowerCase()))
    .map((t) => ({
      name: t.name,
      partitions: t.partitions,
      records: t.records,
      bytes: t.bytes,
      retention: t.configs['retention.ms'] ?? TOPIC_CONFIGS['retention.ms'].default,
      rates: (rates.data?.[t.name] ?? []).map((p) => p.rate),
      groups: (groups.data ?? [])
        .filter((g) => g.topics.includes(t.name))
        .map((g) => ({ groupId: g.groupId, lag: g.lagByTopic[t.name] ?? 0 })),
    }));

  const columns: Column<Row>[] = [
    {
      key: 'name',
      header: 'Name',
      sort: (r) => r.name,
      render: (r) => <Link href={`/topics/${encodeURIComponent(r.name)}`}>{r.name}</Link>,
    },
    { key: 'partitions', header: 'Partitions', numeric: true, sort: (r) => r.partitions, render: (r) => r.partitions },
    { key: 'records', header: 'Records', numeric: true, sort: (r) => r.records, render: (r) => formatNumber(r.records) },
    { key: 'size', header: 'Size', numeric: true, sort: (r) => r.bytes, render: (r) => formatBytes(r.bytes) },
    {
      key: 'rate',
      header: 'Produce rate',
      sort: (r) => r.rates[r.rates.length - 1] ?? 0,
      render: (r) => (
        <div className="rate-cell">
          <Sparkline values={r.rates} testId={`topics-sparkline-${r.name}`} />
          <span className="muted">{r.rates.length ? formatRate(r.rates[r.rates.length - 1]) : ''}</span>
        </div>
      ),
    },
    {
      key: 'retention',
      header: 'Retention',
      sort: (r) => (Number(r.retention) < 0 ? Infinity : Number(r.retention)),
      render: (r) => formatRetention(r.retention),
    },
    {
      key: 'groups',
      header: 'Consumed by (lag)',
      render: (r) =>
        r.groups.length === 0 ? (
          <span className="muted">–</span>
        ) : (
          r.groups.map((g) => (
            <Link key={g.groupId} href={`/groups/${encodeURIComponent(g.groupId)}`} className="chip">
              {g.groupId} <span className="muted">({formatNumber(g.lag)})</span>
            </Link>
          ))
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Topics"
        subtitle={topics.data ? `${topics.data.length} topic${topics.data.length === 1 ? '' : 's'}` : undefined}
        actions={
          canCreate && (
            <button type="button" className="btn primary" onClick={() => setCreating(true)} data-testid="topics-create-open">
              Create topic
            </button>
          )
        }
      />
      <div className="toolbar">
        <input
          type="search"
          placeholder="Search topics…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          aria-label="Search topics"
          data-testid="topics-search"
        />
      </div>
      {topics.data && topics.data.length === 0 ? (
        <EmptyState title="No topics yet" testId="topics-empty">
          {canCreate
            ? 'Create one with the button above (or topics.create over HTTP), then produce records to it from its page.'
            : 'An admin can create one.'}
        </EmptyState>
      ) : (
        <SortableTable
          rows={rows}
          columns={columns}
          rowKey={(r) => r.name}
          initialSort={{ key: 'name' }}
          testId="topics-table"
          rowTestId={(r) => `topics-row-${r.name}`}
        />
      )}
      {canCreate && <CreateTopicDialog open={creating} onClose={() => setCreating(false)} />}
    </>
  );
}

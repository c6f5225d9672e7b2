'use client';

import Link from 'next/link';
import { useTopicConsumers } from '@/components/groups/queries';
import type { SegmentDescription, TopicDescription } from '@/components/trpc/outputs';
import { formatBytes, formatNumber, formatOffsetRange, formatTime } from '@/components/ui/format';
import { type Column, SortableTable } from '@/components/ui/sortable-table';
import { useTopic, useTopicSegments } from './queries';

/** Sealed (with its newest time), active (holds the high watermark), full (sealed at the next maintenance pass) or ahead. */
function segmentState(
  s: { sealed: boolean; maxTimestamp: number | null; baseOffset: number; endOffset: number },
  highWatermark: number,
): string {
  if (s.sealed) return ` · sealed${s.maxTimestamp ? `, newest ${formatTime(s.maxTimestamp)}` : ''}`;
  if (s.endOffset <= highWatermark) return ' · full, sealing';
  return s.baseOffset <= highWatermark ? ' · active' : ' · ahead';
}

type Row = TopicDescription['partitionDetails'][number] & {
  segments: SegmentDescription[];
  owners: Array<{ groupId: string; memberId: string }>;
};

const COLUMNS: Column<Row>[] = [
  { key: 'partition', header: 'Partition', numeric: true, sort: (p) => p.partition, render: (p) => p.partition },
  { key: 'start', header: 'Log start', numeric: true, sort: (p) => p.logStartOffset, render: (p) => formatNumber(p.logStartOffset) },
  { key: 'hwm', header: 'High watermark', numeric: true, sort: (p) => p.highWatermark, render: (p) => formatNumber(p.highWatermark) },
  { key: 'records', header: 'Records', numeric: true, sort: (p) => p.records, render: (p) => formatNumber(p.records) },
  { key: 'bytes', header: 'Payload', numeric: true, sort: (p) => p.bytes, render: (p) => formatBytes(p.bytes) },
  {
    key: 'segments',
    header: 'Segments (offsets · on disk)',
    sort: (p) => p.segments.length,
    render: (p) => (
      <ul className="segments">
        {p.segments.map((s) => (
          <li key={s.baseOffset} title={s.table}>
            <code>{formatOffsetRange(s.baseOffset, s.endOffset)}</code>{' '}
            <span className="muted">
              {formatNumber(s.records)} rec · {formatBytes(s.sizeBytes)}
              {segmentState(s, p.highWatermark)}
            </span>
          </li>
        ))}
      </ul>
    ),
  },
  {
    key: 'owners',
    header: 'Owners',
    render: (p) =>
      p.owners.length === 0 ? (
        <span className="muted">–</span>
      ) : (
        p.owners.map((o) => (
          <Link key={o.groupId} href={`/groups/${encodeURIComponent(o.groupId)}`} className="chip" title={o.memberId}>
            {o.groupId}: {o.memberId.slice(0, 8)}
          </Link>
        ))
      ),
  },
];

/** Per partition: watermarks, records, size, its segments (child tables), and who owns it in each group. */
export function PartitionsTab({ topic }: { topic: string }) {
  const t = useTopic(topic);
  const segments = useTopicSegments(topic);
  const groups = useTopicConsumers(topic);
  const rows: Row[] = (t.data?.partitionDetails ?? []).map((p) => ({
    ...p,
    segments: (segments.data ?? []).filter((s) => s.partition === p.partition),
    owners: (groups.data ?? []).flatMap((g) =>
      g.partitions.flatMap((x) => (x.partition === p.partition && x.memberId ? [{ groupId: g.groupId, memberId: x.memberId }] : [])),
    ),
  }));
  return (
    <SortableTable
      rows={rows}
      columns={COLUMNS}
      rowKey={(p) => String(p.partition)}
      testId="partitions-table"
      rowTestId={(p) => `partitions-row-${p.partition}`}
    />
  );
}

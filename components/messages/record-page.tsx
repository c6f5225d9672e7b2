'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/components/trpc/provider';
import { Card, EmptyState, ErrorBox, PageHeader } from '@/components/ui/bits';
import { formatTime } from '@/components/ui/format';
import { recordPageQuery } from './browse-input';
import { HeadersView, ValueView } from './value-view';

/** One record at its permalink: /topics/<name>/<partition>/<offset>. */
export function RecordPage({ topic, partition, offset }: { topic: string; partition: number; offset: number }) {
  const trpc = useTRPC();
  // The message browser's read (records.browse, a viewer's), not a consumer's Fetch: one record from `offset` on.
  const q = useQuery(trpc.records.browse.queryOptions(recordPageQuery(topic, partition, offset)));
  const r = q.data?.records[0];
  const exact = r && r.offset === offset;
  const marks = q.data?.watermarks[partition];
  return (
    <>
      <PageHeader
        crumbs={[
          { href: '/topics', label: 'Topics' },
          { href: `/topics/${encodeURIComponent(topic)}`, label: topic },
        ]}
        title={`Partition ${partition}, offset ${offset}`}
        subtitle={marks && `log offsets ${marks.logStartOffset}–${marks.highWatermark - 1}`}
        actions={
          <Link className="btn" href={`/topics/${encodeURIComponent(topic)}?partition=${partition}&offset=${offset}`}>
            Open in the message browser
          </Link>
        }
      />
      <ErrorBox error={q.error} />
      {q.data && !exact && (
        <EmptyState title="No record at this offset" testId="record-missing">
          {r ? (
            <>
              It was compacted away; the next one is{' '}
              <Link href={`/topics/${encodeURIComponent(topic)}/${partition}/${r.offset}`}>offset {r.offset}</Link>.
            </>
          ) : (
            'This is the end of the log.'
          )}
        </EmptyState>
      )}
      {exact && (
        <Card testId="record-detail">
          <dl className="facts">
            <dt>Timestamp</dt>
            <dd data-testid="record-timestamp">
              {formatTime(r.timestamp)} <span className="muted">({r.timestamp} ms)</span>
            </dd>
          </dl>
          <ValueView b64={r.key} label="Key" testId="record-key" />
          <ValueView b64={r.value} label="Value" testId="record-value" />
          <h3>Headers</h3>
          <HeadersView headers={r.headers} />
        </Card>
      )}
    </>
  );
}

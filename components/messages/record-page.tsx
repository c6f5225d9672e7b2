'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/components/trpc/provider';
import { Card, EmptyState, ErrorBox, PageHeader } from '@/components/ui/bits';
import { formatTime } from '@/components/ui/format';
import { HeadersView, ValueView } from './value-view';

/** One record at its permalink: /topics/<name>/<partition>/<offset>. */
export function RecordPage({ topic, partition, offset }: { topic: string; partition: number; offset: number }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.records.fetch.queryOptions({ topic, partition, offset, maxRecords: 1, encoding: 'base64' }));
  const r = q.data?.records[0];
  const exact = r && r.offset === offset;
  return (
    <>
      <PageHeader
        crumbs={[
          { href: '/topics', label: 'Topics' },
          { href: `/topics/${encodeURIComponent(topic)}`, label: topic },
        ]}
        title={`Partition ${partition}, offset ${offset}`}
        subtitle={q.data && `log offsets ${q.data.logStartOffset}–${q.data.highWatermark - 1}`}
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

'use client';

import Link from 'next/link';
import { Fragment, useState } from 'react';
import { formatTime } from '@/components/ui/format';
import { decodePayload, preview } from './decode';
import { HeadersView, ValueView } from './value-view';

export interface BrowsedRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string | null }>;
}

/** Records as rows; a row opens to show the whole key, value and headers. */
export function MessageTable({ topic, records, testId = 'messages-table' }: { topic: string; records: BrowsedRecord[]; testId?: string }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className="table-wrap">
      <table data-testid={testId} className="messages">
        <thead>
          <tr>
            <th className="num">Partition</th>
            <th className="num">Offset</th>
            <th>Timestamp</th>
            <th>Key</th>
            <th>Value</th>
            <th className="num">Headers</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => {
            const id = `${r.partition}-${r.offset}`;
            const expanded = open === id;
            return (
              <Fragment key={id}>
                <tr data-testid={`messages-row-${r.partition}-${r.offset}`} className={expanded ? 'expanded' : undefined}>
                  <td className="num">{r.partition}</td>
                  <td className="num">
                    <Link href={`/topics/${encodeURIComponent(topic)}/${r.partition}/${r.offset}`} title="Permalink">
                      {r.offset}
                    </Link>
                  </td>
                  <td className="nowrap">{formatTime(r.timestamp)}</td>
                  <td className="mono truncate">{preview(decodePayload(r.key), 40)}</td>
                  <td className="mono">
                    <button type="button" className="row-toggle" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : id)} data-testid={`messages-value-${r.partition}-${r.offset}`}>
                      {preview(decodePayload(r.value))}
                    </button>
                  </td>
                  <td className="num">{r.headers.length}</td>
                </tr>
                {expanded && (
                  <tr className="detail">
                    <td colSpan={6}>
                      <div className="detail-grid">
                        <ValueView b64={r.key} label="Key" />
                        <ValueView b64={r.value} label="Value" testId={`messages-detail-value-${r.partition}-${r.offset}`} />
                        <HeadersView headers={r.headers} />
                      </div>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

'use client';

import Link from 'next/link';
import { Fragment, useState } from 'react';
import { formatTime } from '@/components/ui/format';
import { NoKey, Tombstone } from './absent';
import { decodePayload, preview } from './decode';
import styles from './message-table.module.css';
import { HeadersView, ValueView } from './value-view';

export interface BrowsedRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string | null }>;
}

/**
 * Records as rows, in the order given; a row opens to show the whole key, value and headers. On a
 * narrow screen the same rows lay out as cards (see the stylesheet), so nothing needs sideways scrolling.
 */
export function MessageTable({
  topic,
  records,
  testId = 'messages-table',
  marked,
}: {
  topic: string;
  records: BrowsedRecord[];
  testId?: string;
  marked?: string | null;
}) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className={`table-wrap ${styles.wrap}`}>
      <table data-testid={testId} className={`messages ${styles.table}`}>
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
            const value = decodePayload(r.value);
            return (
              <Fragment key={id}>
                <tr
                  data-testid={`messages-row-${id}`}
                  className={`${styles.row} ${expanded ? 'expanded' : ''} ${marked === id ? styles.marked : ''}`}
                  aria-current={marked === id ? 'true' : undefined}
                >
                  <td className={`num ${styles.partition}`} data-label="partition">
                    {r.partition}
                  </td>
                  <td className={`num ${styles.offset}`} data-label="offset">
                    <Link href={`/topics/${encodeURIComponent(topic)}/${r.partition}/${r.offset}`} title="Permalink">
                      {r.offset}
                    </Link>
                  </td>
                  <td className={`nowrap ${styles.time}`}>{formatTime(r.timestamp)}</td>
                  <td className={`mono truncate ${styles.key}`} data-testid={`messages-key-${id}`}>
                    {r.key === null ? <NoKey /> : preview(decodePayload(r.key), 40)}
                  </td>
                  <td className={`mono ${styles.value}`}>
                    <button
                      type="button"
                      className="row-toggle"
                      aria-expanded={expanded}
                      onClick={() => setOpen(expanded ? null : id)}
                      data-testid={`messages-value-${id}`}
                    >
                      {value.kind === 'null' ? <Tombstone /> : preview(value)}
                    </button>
                  </td>
                  <td className={`num ${styles.headers}`} data-label="headers">
                    {r.headers.length}
                  </td>
                </tr>
                {expanded && (
                  <tr className={`detail ${styles.detail}`}>
                    <td colSpan={6}>
                      <div className="detail-grid">
                        <ValueView b64={r.key} label="Key" testId={`messages-detail-key-${id}`} />
                        <ValueView b64={r.value} label="Value" testId={`messages-detail-value-${id}`} />
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

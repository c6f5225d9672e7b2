'use client';

import Link from 'next/link';
import { useTopicConsumers } from '@/components/groups/queries';
import { formatBytes, formatNumber, formatOffsetRange, formatTime } from '@/components/ui/format';
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

/** Per partition: watermarks, records, size, its segments (child tables), and who owns it in each group. */
export function PartitionsTab({ topic }: { topic: string }) {
  const t = useTopic(topic);
  const segments = useTopicSegments(topic);
  const groups = useTopicConsumers(topic);
  return (
    <div className="table-wrap">
      <table data-testid="partitions-table" className="cards-narrow">
        <thead>
          <tr>
            <th className="num">Partition</th>
            <th className="num">Log start</th>
            <th className="num">High watermark</th>
            <th className="num">Records</th>
            <th className="num">Payload</th>
            <th>Segments (offsets · on disk)</th>
            <th>Owners</th>
          </tr>
        </thead>
        <tbody>
          {(t.data?.partitionDetails ?? []).map((p) => {
            const segs = (segments.data ?? []).filter((s) => s.partition === p.partition);
            const owners = (groups.data ?? []).flatMap((g) =>
              g.partitions
                .filter((x) => x.partition === p.partition && x.memberId)
                .map((x) => ({ groupId: g.groupId, memberId: x.memberId! })),
            );
            return (
              <tr key={p.partition} data-testid={`partitions-row-${p.partition}`}>
                <td className="num" data-label="Partition">
                  {p.partition}
                </td>
                <td className="num" data-label="Log start">
                  {formatNumber(p.logStartOffset)}
                </td>
                <td className="num" data-label="High watermark">
                  {formatNumber(p.highWatermark)}
                </td>
                <td className="num" data-label="Records">
                  {formatNumber(p.records)}
                </td>
                <td className="num" data-label="Payload">
                  {formatBytes(p.bytes)}
                </td>
                <td data-label="Segments">
                  <ul className="segments">
                    {segs.map((s) => (
                      <li key={s.baseOffset} title={s.table}>
                        <code>{formatOffsetRange(s.baseOffset, s.endOffset)}</code>{' '}
                        <span className="muted">
                          {formatNumber(s.records)} rec · {formatBytes(s.sizeBytes)}
                          {segmentState(s, p.highWatermark)}
                        </span>
                      </li>
                    ))}
                  </ul>
                </td>
                <td data-label="Owners">
                  {owners.length === 0 ? (
                    <span className="muted">–</span>
                  ) : (
                    owners.map((o) => (
                      <Link key={o.groupId} href={`/groups/${encodeURIComponent(o.groupId)}`} className="chip" title={o.memberId}>
                        {o.groupId}: {o.memberId.slice(0, 8)}
                      </Link>
                    ))
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/components/trpc/provider';
import { formatBytes, formatNumber, formatTime } from '@/components/ui/format';

/** Per partition: watermarks, records, size, its segments (child tables), and who owns it in each group. */
export function PartitionsTab({ topic }: { topic: string }) {
  const trpc = useTRPC();
  const t = useQuery(trpc.topics.get.queryOptions({ name: topic }, { refetchInterval: 5000 }));
  const segments = useQuery(trpc.topics.segments.queryOptions({ name: topic }, { refetchInterval: 10_000 }));
  const groups = useQuery(trpc.groups.byTopic.queryOptions({ topic }, { refetchInterval: 5000 }));
  return (
    <div className="table-wrap">
      <table data-testid="partitions-table">
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
            const owners = (groups.data ?? []).flatMap((g) => g.partitions.filter((x) => x.partition === p.partition && x.memberId).map((x) => ({ groupId: g.groupId, memberId: x.memberId! })));
            return (
              <tr key={p.partition} data-testid={`partitions-row-${p.partition}`}>
                <td className="num">{p.partition}</td>
                <td className="num">{formatNumber(p.logStartOffset)}</td>
                <td className="num">{formatNumber(p.highWatermark)}</td>
                <td className="num">{formatNumber(p.records)}</td>
                <td className="num">{formatBytes(p.bytes)}</td>
                <td>
                  <ul className="segments">
                    {segs.map((s) => (
                      <li key={s.baseOffset} title={s.table}>
                        <code>
                          [{formatNumber(s.baseOffset)}, {formatNumber(s.endOffset)})
                        </code>{' '}
                        <span className="muted">
                          {formatNumber(s.records)} rec · {formatBytes(s.sizeBytes)}
                          {s.sealed ? ` · sealed${s.maxTimestamp ? `, newest ${formatTime(s.maxTimestamp)}` : ''}` : s.baseOffset <= p.highWatermark && p.highWatermark < s.endOffset ? ' · active' : ' · ahead'}
                        </span>
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
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

'use client';

import Link from 'next/link';
import { useTopicConsumers } from '@/components/groups/queries';
import { GroupStateBadge, StatusBadge } from '@/components/groups/status-badge';
import { Card, EmptyState } from '@/components/ui/bits';
import { formatNumber } from '@/components/ui/format';

/** The groups reading this topic, each with its per-partition lag on it. */
export function ConsumersTab({ topic }: { topic: string }) {
  const groups = useTopicConsumers(topic);
  if (groups.data && groups.data.length === 0) {
    return (
      <EmptyState title="No consumer group reads this topic yet" testId="consumers-empty">
        Start a consumer with the TypeScript client (
        <code>
          brook.consumer({'{'} groupId {'}'})
        </code>
        ) or commit offsets with <code>groups.commit</code>.
      </EmptyState>
    );
  }
  return (
    <div className="stack">
      {(groups.data ?? []).map((g) => (
        <Card
          key={g.groupId}
          testId={`consumers-group-${g.groupId}`}
          title={
            <>
              <Link href={`/groups/${encodeURIComponent(g.groupId)}`}>{g.groupId}</Link> <GroupStateBadge state={g.state} />{' '}
              <StatusBadge status={g.status} />
            </>
          }
          actions={<span className="muted">lag on this topic: {formatNumber(g.lagByTopic[topic] ?? 0)}</span>}
        >
          <div className="table-wrap">
            <table className="compact cards-narrow">
              <thead>
                <tr>
                  <th className="num">Partition</th>
                  <th className="num">Committed</th>
                  <th className="num">High watermark</th>
                  <th className="num">Lag</th>
                  <th>Owner</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {g.partitions.map((p) => (
                  <tr key={p.partition}>
                    <td className="num" data-label="Partition">
                      {p.partition}
                    </td>
                    <td className="num" data-label="Committed">
                      {formatNumber(p.committedOffset)}
                    </td>
                    <td className="num" data-label="High watermark">
                      {formatNumber(p.logEndOffset)}
                    </td>
                    <td className="num" data-label="Lag">
                      {formatNumber(p.lag)}
                    </td>
                    <td className="mono" data-label="Owner">
                      {p.memberId?.slice(0, 8) ?? '–'}
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={p.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ))}
    </div>
  );
}

'use client';

import Link from 'next/link';
import { PartitionLagTable } from '@/components/groups/partition-lag-table';
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
          <PartitionLagTable partitions={g.partitions} scope="topic" testIdPrefix={`consumers-${g.groupId}-partition`} />
        </Card>
      ))}
    </div>
  );
}

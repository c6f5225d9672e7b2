'use client';

import { useState } from 'react';
import { useCan } from '@/components/auth/auth-context';
import { TimeSeriesChart } from '@/components/charts/time-series-chart';
import { Card, ErrorBox, PageHeader, Stat } from '@/components/ui/bits';
import { formatDuration, formatNumber, formatRate } from '@/components/ui/format';
import { AssignmentDiagram } from './assignment-diagram';
import { DeleteGroupDialog } from './delete-group-dialog';
import { clearsIn, stoppedHint } from './lag-progress';
import { MembersTable } from './members-table';
import { PartitionLagTable } from './partition-lag-table';
import { useGroup, useGroupLagHistory } from './queries';
import { ResetOffsetsDialog } from './reset-offsets-dialog';
import { GroupStateBadge, StatusBadge } from './status-badge';

export function GroupPage({ groupId }: { groupId: string }) {
  const g = useGroup(groupId);
  const history = useGroupLagHistory(groupId);
  const [resetting, setResetting] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const canAdmin = useCan('admin');
  if (g.error) return <ErrorBox error={g.error} />;
  const d = g.data;
  const h = history.data;
  const partitionKeys = Object.keys(h?.points.at(-1)?.partitions ?? {}).sort();
  return (
    <>
      <PageHeader
        crumbs={[{ href: '/groups', label: 'Consumer groups' }]}
        title={<span data-testid="group-id">{groupId}</span>}
        subtitle={
          d && (
            <>
              <GroupStateBadge state={d.state} testId="group-state" /> <StatusBadge status={d.status} testId="group-status" /> · epoch{' '}
              {d.groupEpoch} · {d.assignor} assignor · session timeout {formatDuration(d.sessionTimeoutMs)}
            </>
          )
        }
        actions={
          canAdmin && (
            <>
              <button type="button" className="btn" onClick={() => setResetting(true)} data-testid="group-reset-open">
                Reset offsets
              </button>
              <button type="button" className="btn danger" onClick={() => setDeleting(true)} data-testid="groups-delete-open">
                Delete group
              </button>
            </>
          )
        }
      />
      {d && (
        <div className="stats">
          <Stat label="Total lag" value={<span data-testid="group-total-lag">{formatNumber(d.lag.totalLag)}</span>} />
          <Stat
            label="Max lag"
            value={formatNumber(d.lag.maxLag)}
            hint={d.lag.maxLagTopic ? `${d.lag.maxLagTopic} / ${d.lag.maxLagPartition}` : undefined}
          />
          <Stat label="Members" value={d.members.length} />
          <Stat
            label="Consume rate"
            value={<span data-testid="group-consume-rate">{formatRate(h?.consumeRate)}</span>}
            hint={`${h?.progress === 'stopped' ? 'stopped · ' : ''}produce ${formatRate(h?.produceRate)}`}
          />
          <Stat
            label="Time to clear lag"
            value={clearsIn(d.lag.totalLag, h)}
            hint={d.lag.totalLag > 0 ? stoppedHint(h?.partitions ?? []) : undefined}
            testId="group-time-to-clear"
          />
        </div>
      )}
      {d && (
        <Card title="Members and their partitions">
          <AssignmentDiagram group={d} />
          <MembersTable members={d.members} />
        </Card>
      )}
      <Card title="Lag over time" testId="group-lag-card">
        {!h || h.points.length === 0 ? (
          <p className="muted" data-testid="group-lag-waiting">
            Lag is sampled{h && ` every ${formatDuration(h.intervalMs)}`}; the chart fills in as samples arrive.
          </p>
        ) : (
          <div className="grid-2">
            <TimeSeriesChart
              data={h.points.map((p) => ({ at: p.at, total: p.totalLag }))}
              series={[{ key: 'total', label: 'Total lag' }]}
              testId="group-lag-chart"
            />
            <TimeSeriesChart
              data={h.points.map((p) => ({ at: p.at, ...p.partitions }))}
              series={partitionKeys.map((k) => ({ key: k, label: k }))}
              testId="group-lag-partitions-chart"
            />
          </div>
        )}
      </Card>
      {d && (
        <Card title="Partitions">
          <PartitionLagTable
            partitions={d.lag.partitions}
            history={h}
            scope="group"
            testId="group-lag-table"
            testIdPrefix="group-partition"
          />
        </Card>
      )}
      {canAdmin && d && <ResetOffsetsDialog groupId={groupId} topics={d.topics} open={resetting} onClose={() => setResetting(false)} />}
      {canAdmin && <DeleteGroupDialog groupId={groupId} open={deleting} onClose={() => setDeleting(false)} />}
    </>
  );
}

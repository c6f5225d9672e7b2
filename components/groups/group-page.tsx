'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { TimeSeriesChart } from '@/components/charts/time-series-chart';
import { useTRPC } from '@/components/trpc/provider';
import { Card, ErrorBox, PageHeader, Stat } from '@/components/ui/bits';
import { formatDuration, formatNumber, formatRate } from '@/components/ui/format';
import { AssignmentDiagram } from './assignment-diagram';
import { clearsIn, stoppedHint } from './lag-progress';
import { ResetOffsetsDialog } from './reset-offsets-dialog';
import { Since } from './since';
import { GroupStateBadge, StatusBadge } from './status-badge';

export function GroupPage({ groupId }: { groupId: string }) {
  const trpc = useTRPC();
  const g = useQuery(trpc.groups.describe.queryOptions({ groupId }, { refetchInterval: 2000 }));
  const history = useQuery(trpc.groups.lagHistory.queryOptions({ groupId }, { refetchInterval: 5000 }));
  const [resetting, setResetting] = useState(false);
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
              <GroupStateBadge state={d.state} testId="group-state" /> <StatusBadge status={d.status} testId="group-status" /> · epoch {d.groupEpoch} · {d.assignor} assignor · session timeout{' '}
              {formatDuration(d.sessionTimeoutMs)}
            </>
          )
        }
        actions={
          <button type="button" className="btn" onClick={() => setResetting(true)} data-testid="group-reset-open">
            Reset offsets
          </button>
        }
      />
      {d && (
        <div className="stats">
          <Stat label="Total lag" value={<span data-testid="group-total-lag">{formatNumber(d.lag.totalLag)}</span>} />
          <Stat label="Max lag" value={formatNumber(d.lag.maxLag)} hint={d.lag.maxLagTopic ? `${d.lag.maxLagTopic} / ${d.lag.maxLagPartition}` : undefined} />
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
          <div className="table-wrap">
            <table className="compact" data-testid="group-members">
            <thead>
              <tr>
                <th>Member</th>
                <th>Client</th>
                <th>Host</th>
                <th className="num">Epoch</th>
                <th>Owns</th>
                <th>Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {d.members.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted" data-testid="group-no-members">
                    No members: nobody is consuming for this group now.
                  </td>
                </tr>
              )}
              {d.members.map((m) => (
                <tr key={m.memberId}>
                  <td className="mono" title={m.memberId}>
                    {m.memberId.slice(0, 8)}
                  </td>
                  <td>{m.clientId}</td>
                  <td>{m.clientHost || '–'}</td>
                  <td className="num">{m.memberEpoch}</td>
                  <td>
                    {m.assignment.map((t) => `${t.topic}: ${t.partitions.join(', ')}`).join('; ') || <span className="muted">{m.note ?? 'nothing yet'}</span>}
                    {m.pendingRevocation.length > 0 && <span className="warn-text"> (releasing {m.pendingRevocation.map((t) => t.partitions.join(', ')).join('; ')})</span>}
                  </td>
                  <td>
                    <Since at={m.lastHeartbeat} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
</div>
        </Card>
      )}
      <Card title="Lag over time" testId="group-lag-card">
        {!h || h.points.length === 0 ? (
          <p className="muted" data-testid="group-lag-waiting">
            Lag is sampled every {formatDuration(h?.intervalMs ?? 10_000)}; the chart fills in as samples arrive.
          </p>
        ) : (
          <div className="grid-2">
            <TimeSeriesChart data={h.points.map((p) => ({ at: p.at, total: p.totalLag }))} series={[{ key: 'total', label: 'Total lag' }]} testId="group-lag-chart" />
            <TimeSeriesChart data={h.points.map((p) => ({ at: p.at, ...p.partitions }))} series={partitionKeys.map((k) => ({ key: k, label: k }))} testId="group-lag-partitions-chart" />
          </div>
        )}
      </Card>
      {d && (
        <Card title="Partitions">
          <div className="table-wrap">
              <table data-testid="group-lag-table">
              <thead>
                <tr>
                  <th>Topic</th>
                  <th className="num">Partition</th>
                  <th className="num">Committed</th>
                  <th className="num">High watermark</th>
                  <th className="num">Lag</th>
                  <th>Time lag</th>
                  <th>Rate</th>
                  <th>Clears in</th>
                  <th>Owner</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {d.lag.partitions.map((p) => {
                  const rate = h?.partitions.find((r) => r.topic === p.topic && r.partition === p.partition);
                  return (
                    <tr key={`${p.topic}-${p.partition}`} data-testid={`group-partition-${p.topic}-${p.partition}`}>
                      <td>
                        <Link href={`/topics/${encodeURIComponent(p.topic)}?partition=${p.partition}${p.committedOffset !== null ? `&offset=${p.committedOffset}` : ''}`}>{p.topic}</Link>
                      </td>
                      <td className="num">{p.partition}</td>
                      <td className="num">{formatNumber(p.committedOffset)}</td>
                      <td className="num">{formatNumber(p.logEndOffset)}</td>
                      <td className="num strong">{formatNumber(p.lag)}</td>
                      <td>{p.lag === 0 ? '–' : p.lagSeconds === null || p.lagSeconds === undefined ? '–' : formatDuration(p.lagSeconds * 1000)}</td>
                      <td data-testid={`group-partition-rate-${p.topic}-${p.partition}`}>{formatRate(rate?.consumeRate)}</td>
                      <td data-testid={`group-partition-clears-${p.topic}-${p.partition}`}>{clearsIn(p.lag, rate)}</td>
                      <td className="mono">{p.memberId?.slice(0, 8) ?? '–'}</td>
                      <td>
                        <StatusBadge status={p.status} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Card>
      )}
      {d && <ResetOffsetsDialog groupId={groupId} topics={d.topics} open={resetting} onClose={() => setResetting(false)} />}
    </>
  );
}

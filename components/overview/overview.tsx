'use client';

import Link from 'next/link';
import { TimeSeriesChart } from '@/components/charts/time-series-chart';
import { GroupsTable } from '@/components/groups/groups-table';
import { useGroups } from '@/components/groups/queries';
import { Ago } from '@/components/ui/ago';
import { Card, EmptyState, PageHeader, Stat } from '@/components/ui/bits';
import { formatBytes, formatDuration, formatNumber, formatRate, formatUptime } from '@/components/ui/format';
import { KafkaListenerCell } from './kafka-listener-cell';
import { useClusterOverview, useThroughputHistory } from './queries';

export function Overview() {
  const cluster = useClusterOverview();
  const rates = useThroughputHistory();
  const groups = useGroups();
  const t = cluster.data?.totals;
  const alive = cluster.data?.instances.filter((i) => i.alive) ?? [];
  const topLag = [...(groups.data ?? [])].sort((a, b) => b.totalLag - a.totalLag).slice(0, 5);
  const points = rates.data ?? [];
  return (
    <>
      <PageHeader title="Overview" subtitle="A Kafka-style broker whose log lives in PostgreSQL." />
      <div className="stats" data-testid="overview-stats">
        <Stat
          label="Brook instances"
          value={alive.length}
          hint={`${cluster.data?.instances.length ?? 0} registered`}
          testId="overview-instances-count"
        />
        <Stat label="Topics" value={formatNumber(t?.topics)} testId="overview-topics" />
        <Stat label="Partitions" value={formatNumber(t?.partitions)} />
        <Stat label="Records" value={formatNumber(t?.records)} testId="overview-records" />
        <Stat label="Size" value={formatBytes(t?.bytes)} hint="keys, values, headers" />
        <Stat label="Consumer groups" value={formatNumber(t?.groups)} />
      </div>
      {t && t.topics === 0 && (
        <EmptyState title="No topics yet" testId="overview-empty">
          <Link href="/topics?create=1">Create a topic</Link>, then produce to it from its page, with curl, or with the TypeScript client.
          <br />
          New to Kafka? <Link href="/learn">Take the tour</Link> of its seven concepts, or run{' '}
          <Link href="/learn/online-store" data-testid="overview-empty-online-store">
            the online-store example
          </Link>
          .
        </EmptyState>
      )}
      <div className="grid-2">
        <Card title="Throughput, last hour" testId="overview-throughput">
          {points.length < 2 ? (
            <p className="muted">
              Rates appear after a couple of samples{cluster.data && ` (every ${formatDuration(cluster.data.sampleIntervalMs)})`}.
            </p>
          ) : (
            <TimeSeriesChart
              data={points.map((p) => ({ at: p.at, produced: p.produceRate, consumed: p.consumeRate }))}
              series={[
                { key: 'produced', label: 'Produced (records/s)' },
                { key: 'consumed', label: 'Consumed (records/s)', color: 'var(--ok)' },
              ]}
              format={(v) => formatRate(v)}
              testId="overview-rates-chart"
            />
          )}
        </Card>
        <Card title="Highest consumer lag" testId="overview-top-lag">
          {topLag.length === 0 ? (
            <p className="muted">No consumer groups yet.</p>
          ) : (
            <GroupsTable groups={topLag} show={['id', 'status', 'total', 'topics']} testId="overview-top-lag-table" />
          )}
        </Card>
      </div>
      <Card title="Brook instances" testId="overview-instances">
        <div className="table-wrap">
          <table className="cards-narrow">
            <thead>
              <tr>
                <th>Host</th>
                <th className="num">PID</th>
                <th>Version</th>
                <th>Database</th>
                <th>Kafka listener</th>
                <th>Uptime</th>
                <th>Last seen</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {(cluster.data?.instances ?? []).map((i) => (
                <tr key={i.instanceId} data-testid="overview-instance-row">
                  <td className="card-title">{i.host}</td>
                  <td className="num" data-label="PID">
                    {i.pid}
                  </td>
                  <td data-label="Version">{i.version}</td>
                  <td data-label="Database">{i.database}</td>
                  <td data-label="Kafka listener" data-testid="overview-instance-kafka">
                    <KafkaListenerCell kafka={i.kafka} />
                  </td>
                  <td data-label="Uptime">{formatUptime(i.uptimeMs)}</td>
                  <td data-label="Last seen">
                    <Ago at={i.lastSeenAt} />
                  </td>
                  <td data-label="State">{i.alive ? <span className="ok-text">alive</span> : <span className="muted">gone</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </>
  );
}

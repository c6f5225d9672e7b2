import Link from 'next/link';
import { formatDuration, formatNumber, formatRate } from '@/components/ui/format';
import type { GroupDescription, LagHistory } from '@/server/broker';
import { clearsIn } from './lag-progress';
import styles from './stacked-table.module.css';
import { StatusBadge } from './status-badge';

/** Per partition: offsets, lag, time lag, rate, when it clears, owner and Burrow status (cards when narrow). */
export function PartitionLagTable({ lag, history }: { lag: GroupDescription['lag']; history: LagHistory | undefined }) {
  return (
    <div className="table-wrap">
      <table className={styles.stack} data-testid="group-lag-table">
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
          {lag.partitions.map((p) => {
            const rate = history?.partitions.find((r) => r.topic === p.topic && r.partition === p.partition);
            const key = `${p.topic}-${p.partition}`;
            return (
              <tr key={key} data-testid={`group-partition-${key}`}>
                <td data-label="Topic">
                  <Link
                    href={`/topics/${encodeURIComponent(p.topic)}?partition=${p.partition}${p.committedOffset !== null ? `&offset=${p.committedOffset}` : ''}`}
                  >
                    {p.topic}
                  </Link>
                </td>
                <td className="num" data-label="Partition">
                  {p.partition}
                </td>
                <td className="num" data-label="Committed">
                  {formatNumber(p.committedOffset)}
                </td>
                <td className="num" data-label="High watermark">
                  {formatNumber(p.logEndOffset)}
                </td>
                <td className="num strong" data-label="Lag" data-testid={`group-partition-lag-${key}`}>
                  {formatNumber(p.lag)}
                </td>
                <td data-label="Time lag">
                  {p.lag === 0 || p.lagSeconds === null || p.lagSeconds === undefined ? '–' : formatDuration(p.lagSeconds * 1000)}
                </td>
                <td data-label="Rate" data-testid={`group-partition-rate-${key}`}>
                  {formatRate(rate?.consumeRate)}
                </td>
                <td data-label="Clears in" data-testid={`group-partition-clears-${key}`}>
                  {clearsIn(p.lag, rate)}
                </td>
                <td className="mono" data-label="Owner">
                  {p.memberId?.slice(0, 8) ?? '–'}
                </td>
                <td data-label="Status">
                  <StatusBadge status={p.status} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

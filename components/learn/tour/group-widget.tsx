'use client';

import { MEMBER_COLORS } from '@/components/groups/assignment-diagram';
import { ErrorBox } from '@/components/ui/bits';
import { formatNumber } from '@/components/ui/format';
import { partitionNumbers } from '@/components/ui/partition-select';
import { SCRATCH_PARTITIONS, SCRATCH_TOPIC } from '@/server/examples/tour/names';
import { useGroupButtons, useProduceScratch, useTourGroup } from './queries';
import styles from './tour.module.css';

/** "+ consumer" / "− consumer": the broker re-assigns partitions; lag is high watermark minus committed offset. */
export function GroupWidget() {
  const group = useTourGroup();
  const { add, remove } = useGroupButtons();
  const produce = useProduceScratch();
  const g = group.data;
  const color = new Map(g?.members.map((m, i) => [m.memberId, MEMBER_COLORS[i % MEMBER_COLORS.length]]));
  const local = g?.local.length ?? 0;
  const idle = g?.members.filter((m) => m.partitions.length === 0) ?? [];
  return (
    <div data-testid="learn-group-widget">
      <div className="row">
        <button
          type="button"
          className="btn primary"
          disabled={!g || local >= g.maxMembers || add.isPending}
          onClick={() => add.mutate()}
          data-testid="learn-group-add"
        >
          + consumer
        </button>
        <button
          type="button"
          className="btn"
          disabled={local === 0 || remove.isPending}
          onClick={() => remove.mutate()}
          data-testid="learn-group-remove"
        >
          − consumer
        </button>
        <button
          type="button"
          className="btn"
          disabled={produce.isPending}
          data-testid="learn-group-produce"
          onClick={() =>
            produce.mutate({
              topic: SCRATCH_TOPIC,
              records: Array.from({ length: 30 }, (_, i) => ({ key: `order-${i}`, value: `order ${i}` })),
            })
          }
        >
          Send 30 messages
        </button>
      </div>
      <ul className="legend" data-testid="learn-group-members">
        {g?.members.map((m) => (
          <li key={m.memberId} data-testid="learn-group-member">
            <span className="swatch" style={{ background: color.get(m.memberId) }} aria-hidden />
            <span className="mono">{m.clientId}</span>
            <span className="muted">{m.partitions.length ? `P${m.partitions.join(', P')}` : 'idle'}</span>
          </li>
        ))}
        {g && g.members.length === 0 && <li className="muted">No consumers yet: press + consumer.</li>}
      </ul>
      {partitionNumbers(SCRATCH_PARTITIONS).map((p) => {
        const row = g?.partitions.find((x) => x.partition === p);
        const owner = row?.owner ? color.get(row.owner) : undefined;
        const done = row && row.highWatermark > 0 ? (row.committedOffset ?? 0) / row.highWatermark : 0;
        return (
          <div key={p} className={styles.lane} data-testid={`learn-group-partition-${p}`} data-owner={row?.owner ?? ''}>
            <span
              className={`cell ${owner ? '' : 'unowned'}`}
              style={owner ? { background: owner, width: 30, height: 24 } : { width: 30, height: 24 }}
            >
              {p}
            </span>
            <div className={styles.bar} title="committed offset out of the high watermark">
              <div className={styles.barFill} style={{ width: `${Math.round(done * 100)}%` }} />
            </div>
            <span className="small mono nowrap" data-testid={`learn-group-lag-${p}`}>
              {formatNumber(row?.committedOffset ?? null)}/{formatNumber(row?.highWatermark ?? null)} · lag {formatNumber(row?.lag ?? null)}
            </span>
          </div>
        );
      })}
      {idle.length > 0 && (
        <p className="small muted" data-testid="learn-group-idle">
          {idle.length} consumer{idle.length > 1 ? 's sit' : ' sits'} idle: {SCRATCH_PARTITIONS} partitions can be read by at most{' '}
          {SCRATCH_PARTITIONS} members of one group.
        </p>
      )}
      <ErrorBox error={add.error ?? remove.error ?? group.error} />
    </div>
  );
}

'use client';

import type { Lane } from '@/components/trpc/outputs';
import { formatNumber } from '@/components/ui/format';
import { SCRATCH_TOPIC } from '@/server/examples/tour/names';
import { useProduceScratch } from './queries';
import styles from './tour.module.css';

const BURST_KEYS = ['alice', 'bob', 'carol'];

/** One row per partition with its newest records labelled by offset: offsets grow per partition only. */
export function Lanes({ lanes }: { lanes: Lane[] }) {
  return (
    <div data-testid="learn-lanes">
      {lanes.map((l) => {
        const older = (l.recent[0]?.offset ?? l.highWatermark) - l.logStartOffset;
        return (
          <div key={l.partition} className={styles.lane} data-testid={`learn-lane-${l.partition}`}>
            <div className={`${styles.laneLabel} mono`}>
              P{l.partition} <span className="muted">next {formatNumber(l.highWatermark)}</span>
            </div>
            {older > 0 && <span className={`${styles.older} muted`}>+{formatNumber(older)} older</span>}
            <div className={styles.laneCells}>
              {l.recent.map((r) => (
                <div key={r.offset} className={styles.rec} title={r.value ?? ''}>
                  <b>{r.offset}</b>
                  <span className="muted">{r.key ?? 'no key'}</span>
                </div>
              ))}
              {l.recent.length === 0 && <span className="muted small">empty</span>}
            </div>
          </div>
        );
      })}
    </div>
  );
}

/** Sends a numbered burst; the lanes show each partition's own sequence of offsets. */
export function OffsetsWidget({ lanes }: { lanes: Lane[] }) {
  const produce = useProduceScratch();
  const send = () => {
    const stamp = Date.now().toString(36).slice(-4);
    produce.mutate({
      topic: SCRATCH_TOPIC,
      records: Array.from({ length: 6 }, (_, i) => ({ key: BURST_KEYS[i % 3], value: `#${i + 1} of burst ${stamp}` })),
    });
  };
  return (
    <div data-testid="learn-offsets-widget">
      <div className="row">
        <button type="button" className="btn primary" onClick={send} disabled={produce.isPending} data-testid="learn-offsets-send">
          Send 6 messages
        </button>
        <span className="small muted">keys alice, bob, carol, alice, bob, carol</span>
      </div>
      <Lanes lanes={lanes} />
      {produce.data && (
        <p className="small" data-testid="learn-offsets-result">
          Sent #1…#6 →{' '}
          {produce.data.results.map((r, i) => (
            <span key={`${r.partition}-${r.offset}`} className="mono">
              {i > 0 && ', '}#{i + 1}@P{r.partition}:{r.offset}
            </span>
          ))}
          . Within a partition the order is kept; across partitions there is no single order.
        </p>
      )}
    </div>
  );
}

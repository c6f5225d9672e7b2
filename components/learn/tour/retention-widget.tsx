'use client';

import { useMutation } from '@tanstack/react-query';
import { useTopicSegments } from '@/components/topics/queries';
import { useTRPC } from '@/components/trpc/provider';
import { ErrorBox } from '@/components/ui/bits';
import { formatDuration } from '@/components/ui/format';
import { partitionNumbers } from '@/components/ui/partition-select';
import { SCRATCH_PARTITIONS, SCRATCH_RETENTION_MS, SCRATCH_TOPIC, SHORT_RETENTION_MS } from '@/server/examples/tour/names';
import { useRefreshTour } from './queries';
import styles from './tour.module.css';

/** retention.ms on the scratch topic (topics.alterConfigs) and its segments as maintenance drops the old ones. */
export function RetentionWidget({ retentionMs, logStart }: { retentionMs: number | null; logStart: number[] }) {
  const trpc = useTRPC();
  const refresh = useRefreshTour();
  const segments = useTopicSegments(SCRATCH_TOPIC);
  const alter = useMutation(trpc.topics.alterConfigs.mutationOptions({ onSuccess: () => void refresh() }));
  const set = (ms: number) => alter.mutate({ name: SCRATCH_TOPIC, configs: { 'retention.ms': ms } });
  return (
    <div data-testid="learn-retention-widget">
      <div className="row">
        <span className="small">
          retention.ms now: <strong data-testid="learn-retention-value">{retentionMs === null ? '…' : formatDuration(retentionMs)}</strong>
        </span>
        <button
          type="button"
          className="btn primary"
          disabled={alter.isPending || retentionMs === SHORT_RETENTION_MS}
          onClick={() => set(SHORT_RETENTION_MS)}
          data-testid="learn-retention-short"
        >
          Keep only {formatDuration(SHORT_RETENTION_MS)}
        </button>
        <button
          type="button"
          className="btn"
          disabled={alter.isPending || retentionMs === SCRATCH_RETENTION_MS}
          onClick={() => set(SCRATCH_RETENTION_MS)}
          data-testid="learn-retention-long"
        >
          Back to {formatDuration(SCRATCH_RETENTION_MS)}
        </button>
      </div>
      {partitionNumbers(SCRATCH_PARTITIONS).map((p) => {
        const mine = segments.data?.filter((s) => s.partition === p) ?? [];
        return (
          <div key={p} className={styles.lane} data-testid={`learn-segments-${p}`}>
            <div className={`${styles.laneLabel} mono`}>
              P{p}{' '}
              <span className="muted">
                from <span data-testid="learn-segments-start">{logStart[p] ?? '…'}</span>
              </span>
            </div>
            <div className={styles.seg}>
              {mine.map((s) => (
                <span key={s.table} className={`${styles.segCell} ${s.sealed ? '' : styles.segActive}`} title={`${s.records} records`}>
                  {s.baseOffset}–{s.endOffset - 1}
                </span>
              ))}
              {segments.data && mine.length === 0 && <span className="muted small">no segments</span>}
            </div>
          </div>
        );
      })}
      <p className="small muted">Blue outline: the active segment, still being written. The others are closed and can be dropped.</p>
      <ErrorBox error={alter.error ?? segments.error} />
    </div>
  );
}

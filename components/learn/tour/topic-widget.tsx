import type { Lane } from '@/components/trpc/outputs';
import { Stat } from '@/components/ui/bits';
import { formatDuration, formatNumber } from '@/components/ui/format';
import { SCRATCH_TOPIC } from '@/server/examples/tour/names';

/** The scratch topic at a glance: its name, partitions, messages kept and how long they are kept. */
export function TopicWidget({ lanes, retentionMs }: { lanes: Lane[]; retentionMs: number | null }) {
  const kept = lanes.reduce((n, l) => n + l.highWatermark - l.logStartOffset, 0);
  return (
    <div className="stats" data-testid="learn-topic-widget">
      <Stat label="Topic" value={<span className="mono">{SCRATCH_TOPIC}</span>} />
      <Stat label="Partitions" value={lanes.length || '…'} />
      <Stat label="Messages kept" value={formatNumber(kept)} testId="learn-topic-kept" />
      <Stat label="Kept for" value={retentionMs === null ? '…' : formatDuration(retentionMs)} />
    </div>
  );
}

'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/provider';
import { ErrorBox } from '@/components/ui/bits';
import { Dialog } from '@/components/ui/dialog';
import { formatNumber } from '@/components/ui/format';

type Target = 'earliest' | 'latest' | 'timestamp' | 'offset';

/**
 * Kafka's reset-offsets: a dry run shows the new positions first; applying is refused (with the
 * broker's message) while the group has members.
 */
export function ResetOffsetsDialog({ groupId, topics, open, onClose }: { groupId: string; topics: string[]; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [topic, setTopic] = useState(topics[0] ?? '');
  const [partitions, setPartitions] = useState('');
  const [target, setTarget] = useState<Target>('earliest');
  const [value, setValue] = useState('');
  const reset = useMutation(trpc.groups.resetOffsets.mutationOptions({ onSuccess: (_, v) => !v.dryRun && qc.invalidateQueries({ queryKey: trpc.groups.pathKey() }) }));
  const request = (dryRun: boolean) => ({
    groupId,
    topic,
    partitions: partitions.trim() ? partitions.split(',').map((p) => Number(p.trim())) : null,
    to: target === 'timestamp' ? { timestamp: new Date(value).getTime() || 0 } : target === 'offset' ? { offset: Number(value || 0) } : target,
    dryRun,
  });
  const applied = reset.isSuccess && reset.variables && !reset.variables.dryRun;
  return (
    <Dialog open={open} onClose={onClose} title={`Reset offsets of ${groupId}`} testId="reset-dialog">
      <form className="form" onSubmit={(e) => (e.preventDefault(), reset.mutate(request(true)))}>
        <div className="row">
          <label className="grow">
            Topic
            <select value={topic} onChange={(e) => setTopic(e.target.value)} data-testid="reset-topic">
              {topics.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            Partitions <small className="muted">(empty: all)</small>
            <input value={partitions} onChange={(e) => setPartitions(e.target.value)} placeholder="0, 1, 2" />
          </label>
        </div>
        <div className="row">
          <label>
            To
            <select value={target} onChange={(e) => setTarget(e.target.value as Target)} data-testid="reset-target">
              <option value="earliest">earliest</option>
              <option value="latest">latest</option>
              <option value="timestamp">timestamp</option>
              <option value="offset">exact offset</option>
            </select>
          </label>
          {target === 'timestamp' && <input type="datetime-local" step={1} value={value} onChange={(e) => setValue(e.target.value)} aria-label="Reset to time" />}
          {target === 'offset' && <input type="number" min={0} value={value} onChange={(e) => setValue(e.target.value)} aria-label="Reset to offset" data-testid="reset-offset" />}
        </div>
        <ErrorBox error={reset.error} />
        {reset.data && (
          <table className="compact" data-testid="reset-preview">
            <thead>
              <tr>
                <th className="num">Partition</th>
                <th className="num">Now</th>
                <th className="num">New</th>
              </tr>
            </thead>
            <tbody>
              {reset.data.map((r) => (
                <tr key={r.partition}>
                  <td className="num">{r.partition}</td>
                  <td className="num">{formatNumber(r.previousOffset)}</td>
                  <td className="num strong">{formatNumber(r.newOffset)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {applied && (
          <p className="ok-text" data-testid="reset-done">
            Offsets reset.
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="btn" disabled={reset.isPending || !topic} data-testid="reset-dry-run">
            Dry run
          </button>
          <button type="button" className="btn primary" disabled={reset.isPending || !reset.data || !!applied} onClick={() => reset.mutate(request(false))} data-testid="reset-apply">
            Apply
          </button>
        </div>
      </form>
    </Dialog>
  );
}

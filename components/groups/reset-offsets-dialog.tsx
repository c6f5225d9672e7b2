'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/provider';
import { ErrorBox } from '@/components/ui/bits';
import { Dialog } from '@/components/ui/dialog';
import { formatNumber, formatTime } from '@/components/ui/format';
import { parseUtcInput } from '@/components/ui/utc-time';
import { parseResetForm, type ResetForm, type ResetTargetKind, resetFormKey } from './reset-form';

interface Preview {
  /** The form the preview was made for (resetFormKey). */
  key: string;
  topic: string;
  rows: Array<{ partition: number; previousOffset: number | null; newOffset: number }>;
}

/**
 * Kafka's reset-offsets: a dry run shows the new positions first, and Apply writes exactly those
 * positions (never the form re-resolved later: "latest" or a time can mean other offsets by then).
 * Changing the form withdraws the preview. Applying is refused (with the broker's message) while the
 * group has members.
 */
export function ResetOffsetsDialog({
  groupId,
  topics,
  open,
  onClose,
}: {
  groupId: string;
  topics: string[];
  open: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [form, setForm] = useState<ResetForm>({ topic: topics[0] ?? '', partitions: '', target: 'earliest', value: '' });
  const [invalid, setInvalid] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [applied, setApplied] = useState<Preview | null>(null);
  const dryRun = useMutation(trpc.groups.resetOffsets.mutationOptions());
  const apply = useMutation(
    trpc.groups.resetOffsets.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.groups.pathKey() }),
    }),
  );
  const key = resetFormKey(form);
  const fresh = preview && preview.key === key ? preview : null;
  const done = fresh !== null && applied === fresh;
  const busy = dryRun.isPending || apply.isPending;

  const edit = (change: Partial<ResetForm>) => {
    setForm((f) => ({ ...f, ...change }));
    setInvalid(null);
    dryRun.reset();
    apply.reset();
  };
  const runDry = () => {
    const parsed = parseResetForm(form);
    if (!parsed.ok) return setInvalid(parsed.error);
    const forKey = key;
    apply.reset();
    dryRun.mutate(
      { groupId, topic: parsed.topic, partitions: parsed.partitions, to: parsed.to, dryRun: true },
      { onSuccess: (rows) => setPreview({ key: forKey, topic: parsed.topic, rows }) },
    );
  };
  const runApply = () => {
    if (!fresh) return;
    const offsets = fresh.rows.map((r) => ({ partition: r.partition, offset: r.newOffset }));
    apply.mutate({ groupId, topic: fresh.topic, to: { offsets } }, { onSuccess: () => setApplied(fresh) });
  };
  const utc = form.target === 'timestamp' ? parseUtcInput(form.value) : null;

  return (
    <Dialog open={open} onClose={onClose} title={`Reset offsets of ${groupId}`} testId="reset-dialog">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          runDry();
        }}
        noValidate
      >
        <div className="row">
          <label className="grow">
            Topic
            <select value={form.topic} onChange={(e) => edit({ topic: e.target.value })} data-testid="reset-topic">
              {topics.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            Partitions <small className="muted">(empty: all)</small>
            <input
              value={form.partitions}
              onChange={(e) => edit({ partitions: e.target.value })}
              placeholder="0, 1, 2"
              data-testid="reset-partitions"
            />
          </label>
        </div>
        <div className="row">
          <label>
            To
            <select
              value={form.target}
              onChange={(e) => edit({ target: e.target.value as ResetTargetKind, value: '' })}
              data-testid="reset-target"
            >
              <option value="earliest">earliest</option>
              <option value="latest">latest</option>
              <option value="timestamp">time (UTC)</option>
              <option value="offset">exact offset</option>
            </select>
          </label>
          {form.target === 'timestamp' && (
            <label>
              Time (UTC)
              <input
                type="datetime-local"
                step={1}
                value={form.value}
                onChange={(e) => edit({ value: e.target.value })}
                data-testid="reset-time"
              />
              <small className="muted" data-testid="reset-time-utc">
                {utc === null ? 'read as UTC, not your local time' : formatTime(utc).replace(/Z$/, ' UTC')}
              </small>
            </label>
          )}
          {form.target === 'offset' && (
            <label>
              Offset
              <input
                type="number"
                min={0}
                step={1}
                value={form.value}
                onChange={(e) => edit({ value: e.target.value })}
                data-testid="reset-offset"
              />
            </label>
          )}
        </div>
        {invalid && <ErrorBox error={{ message: invalid }} />}
        <ErrorBox error={dryRun.error ?? apply.error} />
        {fresh ? (
          <table className="compact" data-testid="reset-preview">
            <thead>
              <tr>
                <th className="num">Partition</th>
                <th className="num">Now</th>
                <th className="num">New</th>
              </tr>
            </thead>
            <tbody>
              {fresh.rows.map((r) => (
                <tr key={r.partition} data-testid={`reset-preview-${r.partition}`}>
                  <td className="num">{r.partition}</td>
                  <td className="num">{formatNumber(r.previousOffset)}</td>
                  <td className="num strong">{formatNumber(r.newOffset)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted" data-testid="reset-hint">
            {preview
              ? 'The form changed since the last dry run: run it again to see the new positions.'
              : 'Run a dry run to see the new positions; Apply writes exactly those.'}
          </p>
        )}
        {done && (
          <p className="ok-text" data-testid="reset-done">
            Offsets reset.
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="btn" disabled={busy || !form.topic} data-testid="reset-dry-run">
            Dry run
          </button>
          <button type="button" className="btn primary" disabled={busy || !fresh || done} onClick={runApply} data-testid="reset-apply">
            Apply
          </button>
        </div>
      </form>
    </Dialog>
  );
}

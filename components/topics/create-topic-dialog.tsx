'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/provider';
import { ErrorBox } from '@/components/ui/bits';
import { Dialog } from '@/components/ui/dialog';
import { useEditableRows } from '@/components/ui/editable-rows';
import { TOPIC_CONFIGS } from '@/server/kernel/config-defs';
import { MAX_PARTITIONS, MAX_TOPIC_NAME_LENGTH } from '@/server/kernel/topic-limits';

const COMMON_CONFIGS = [
  'cleanup.policy',
  'retention.ms',
  'retention.bytes',
  'segment.records',
  'max.message.bytes',
  'message.timestamp.type',
];

/** The partition count as typed: an empty field was sent as 0 (Number('')), so say what is wrong first. */
export function partitionsError(text: string): string | null {
  if (text.trim() === '') return 'Partitions is required.';
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTITIONS)
    return `Partitions must be a whole number from 1 to ${MAX_PARTITIONS.toLocaleString('en-US')}.`;
  return null;
}

/** Name, partitions and configs; the broker's own validation messages are shown as they come. */
export function CreateTopicDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('3');
  const configs = useEditableRows<{ name: string; value: string }>();
  const create = useMutation(
    trpc.topics.create.mutationOptions({
      onSuccess: async (t) => {
        await qc.invalidateQueries({ queryKey: trpc.topics.pathKey() });
        onClose();
        router.push(`/topics/${encodeURIComponent(t.name)}`);
      },
    }),
  );
  const partitionsProblem = partitionsError(partitions);
  // An answer is about the input it was given: once the input changes, the old error no longer applies.
  const edited =
    <A extends unknown[]>(change: (...args: A) => void) =>
    (...args: A) => {
      if (create.error) create.reset();
      change(...args);
    };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (partitionsProblem) return;
    create.mutate({
      name: name.trim(),
      partitions: Number(partitions),
      configs: Object.fromEntries(configs.rows.filter((c) => c.name && c.value !== '').map((c) => [c.name, c.value])),
    });
  };
  return (
    <Dialog open={open} onClose={onClose} title="Create topic" testId="topics-create-dialog">
      <form onSubmit={submit} className="form">
        <label>
          Name
          <input
            value={name}
            onChange={(e) => edited(setName)(e.target.value)}
            placeholder="orders"
            autoFocus
            data-testid="topics-create-name"
            required
          />
          <small className="muted">Letters, digits, ".", "_" and "-", up to {MAX_TOPIC_NAME_LENGTH} characters.</small>
        </label>
        <label>
          Partitions
          <input
            type="number"
            min={1}
            max={MAX_PARTITIONS}
            step={1}
            value={partitions}
            onChange={(e) => edited(setPartitions)(e.target.value)}
            required
            aria-invalid={!!partitionsProblem}
            aria-describedby={partitionsProblem ? 'topics-create-partitions-error' : undefined}
            data-testid="topics-create-partitions"
          />
          {partitionsProblem && (
            <small className="err-text" id="topics-create-partitions-error" data-testid="topics-create-partitions-error">
              {partitionsProblem}
            </small>
          )}
        </label>
        <fieldset>
          <legend>Configs</legend>
          {configs.rows.map((c) => (
            <div className="row" key={c.id}>
              <select aria-label="Config name" value={c.name} onChange={(e) => edited(configs.update)(c.id, { name: e.target.value })}>
                <option value="">choose…</option>
                {COMMON_CONFIGS.map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </select>
              <input
                aria-label="Config value"
                value={c.value}
                placeholder={c.name in TOPIC_CONFIGS ? `default: ${TOPIC_CONFIGS[c.name].default}` : undefined}
                onChange={(e) => edited(configs.update)(c.id, { value: e.target.value })}
              />
              <button type="button" className="btn ghost" onClick={() => edited(configs.remove)(c.id)} aria-label="Remove config">
                ✕
              </button>
            </div>
          ))}
          <button type="button" className="btn ghost" onClick={() => configs.add({ name: '', value: '' })}>
            + Add config
          </button>
        </fieldset>
        <ErrorBox error={create.error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn primary"
            disabled={create.isPending || !!partitionsProblem}
            data-testid="topics-create-submit"
          >
            {create.isPending ? 'Creating…' : 'Create topic'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

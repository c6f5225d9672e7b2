'use client';

import { useId } from 'react';
import { PartitionSelect } from '@/components/ui/partition-select';
import { parseUtcInput, toUtcInput } from '@/components/ui/utc-time';
import type { BrowseParams, StartKind } from './browse-input';

export type FilterField = 'key' | 'value' | 'any';

/** What the controls hold, as typed (validated on every change, applied by Go). */
export interface BrowseForm {
  partition: string;
  startKind: StartKind;
  offset: string;
  timestamp: string;
  text: string;
  field: FilterField;
}

export function formOf(p: BrowseParams): BrowseForm {
  return {
    partition: p.partition === null ? 'all' : String(p.partition),
    startKind: p.startKind,
    offset: p.offset === null ? '' : String(p.offset),
    timestamp: p.timestamp === null ? '' : toUtcInput(p.timestamp),
    text: '',
    field: 'any',
  };
}

/** The form as browse parameters, or why it cannot be applied (nothing is sent then). */
export function readForm(form: BrowseForm): { params: BrowseParams; error: null } | { params: null; error: string } {
  let offset: number | null = null;
  let timestamp: number | null = null;
  if (form.startKind === 'offset') {
    const v = form.offset.trim();
    if (v === '') return { params: null, error: 'Enter an offset (0 or more).' };
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) return { params: null, error: 'Offset must be a whole number, 0 or more.' };
    offset = Number(v);
  }
  if (form.startKind === 'timestamp') {
    timestamp = parseUtcInput(form.timestamp);
    if (timestamp === null) return { params: null, error: 'Enter a date and time (UTC).' };
  }
  return {
    params: { partition: form.partition === 'all' ? null : Number(form.partition), startKind: form.startKind, offset, timestamp },
    error: null,
  };
}

/** Partition, start (newest, oldest, an offset, a UTC time), text filter, Go, and the live tail switch. */
export function BrowseControls({
  partitions,
  form,
  onChange,
  onApply,
  live,
  onLive,
}: {
  partitions: number;
  form: BrowseForm;
  onChange: (form: BrowseForm) => void;
  onApply: () => void;
  live: boolean;
  onLive: (live: boolean) => void;
}) {
  const { error } = readForm(form);
  const partitionId = useId();
  const set = (patch: Partial<BrowseForm>) => onChange({ ...form, ...patch });
  return (
    <form
      className="toolbar wrap"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!error) onApply();
      }}
      aria-label="Message browser controls"
    >
      <label htmlFor={partitionId}>
        Partition{' '}
        <PartitionSelect
          id={partitionId}
          count={partitions}
          value={form.partition}
          onChange={(partition) => set({ partition })}
          first={{ value: 'all', label: 'All' }}
          testId="messages-partition"
        />
      </label>
      <label>
        Start{' '}
        <select value={form.startKind} onChange={(e) => set({ startKind: e.target.value as StartKind })} data-testid="messages-start">
          <option value="newest">Newest</option>
          <option value="oldest">Oldest</option>
          <option value="offset">Offset</option>
          <option value="timestamp">Time (UTC)</option>
        </select>
      </label>
      {form.startKind === 'offset' && (
        <input
          type="number"
          min={0}
          step={1}
          inputMode="numeric"
          placeholder="offset"
          value={form.offset}
          onChange={(e) => set({ offset: e.target.value })}
          aria-label="Start offset"
          aria-invalid={error ? true : undefined}
          aria-describedby="messages-start-error"
          data-testid="messages-offset"
          className="narrow"
        />
      )}
      {form.startKind === 'timestamp' && (
        <label>
          <input
            type="datetime-local"
            step={0.001}
            value={form.timestamp}
            onChange={(e) => set({ timestamp: e.target.value })}
            aria-label="Start time, UTC"
            aria-invalid={error ? true : undefined}
            aria-describedby="messages-start-error"
            data-testid="messages-timestamp"
          />
          UTC
        </label>
      )}
      {error && (
        <span id="messages-start-error" className="err-text small" role="alert" data-testid="messages-start-error">
          {error}
        </span>
      )}
      <input
        type="search"
        placeholder="Filter by text…"
        value={form.text}
        onChange={(e) => set({ text: e.target.value })}
        aria-label="Filter text"
        data-testid="messages-filter"
      />
      <select
        value={form.field}
        onChange={(e) => set({ field: e.target.value as FilterField })}
        aria-label="Filter field"
        data-testid="messages-filter-field"
      >
        <option value="any">key or value</option>
        <option value="key">key</option>
        <option value="value">value</option>
      </select>
      <button type="submit" className="btn primary" disabled={error !== null} data-testid="messages-go">
        Go
      </button>
      <span className="spacer" />
      <button
        type="button"
        className={`btn ${live ? 'primary' : ''}`}
        aria-pressed={live}
        onClick={() => onLive(!live)}
        data-testid="messages-live-toggle"
      >
        {live ? '● Live' : 'Live tail'}
      </button>
    </form>
  );
}

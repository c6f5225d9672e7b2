'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/provider';
import { EmptyState, ErrorBox } from '@/components/ui/bits';
import { formatNumber } from '@/components/ui/format';
import { PartitionSelect } from '@/components/ui/partition-select';
import { firstBrowseInput, PAGE_SIZE, startOf, type BrowseParams, type StartKind } from './browse-input';
import { LiveTail } from './live-tail';
import { MessageTable } from './message-table';

type Window = Record<string, { from: number; to: number }>;
type Nav = { kind: 'start' } | { kind: 'page'; window: Window; direction: 'forward' | 'backward' };

/**
 * Browse a topic's records: pick partition(s) and where to start, page older/newer by offset (through
 * the offset index), filter by key or value text (a bounded scan), or follow new records live.
 */
export function MessageBrowser({ topic, partitions, initial }: { topic: string; partitions: number; initial: BrowseParams }) {
  const trpc = useTRPC();
  const [params, setParams] = useState(initial);
  const [form, setForm] = useState({
    partition: initial.partition === null ? 'all' : String(initial.partition),
    startKind: initial.startKind,
    offset: initial.offset === null ? '' : String(initial.offset),
    timestamp: initial.timestamp === null ? '' : toLocalInput(initial.timestamp),
    text: '',
    field: 'any' as 'key' | 'value' | 'any',
  });
  const [filter, setFilter] = useState<{ text: string; field: 'key' | 'value' | 'any' } | null>(null);
  const [nav, setNav] = useState<Nav>({ kind: 'start' });
  const [live, setLive] = useState(false);

  const base = firstBrowseInput(topic, params);
  const input = nav.kind === 'start' ? { ...base, filter } : { ...base, filter, window: nav.window, direction: nav.direction };
  const page = useQuery(trpc.records.browse.queryOptions(input, { placeholderData: keepPreviousData, enabled: !live }));

  const apply = (e?: React.FormEvent) => {
    e?.preventDefault();
    const next: BrowseParams = {
      partition: form.partition === 'all' ? null : Number(form.partition),
      startKind: form.startKind,
      offset: form.startKind === 'offset' ? Number(form.offset || 0) : null,
      timestamp: form.startKind === 'timestamp' ? new Date(form.timestamp).getTime() || 0 : null,
    };
    setParams(next);
    setFilter(form.text.trim() ? { text: form.text.trim(), field: form.field } : null);
    setNav({ kind: 'start' });
    const url = new URL(window.location.href);
    for (const k of ['partition', 'offset', 'timestamp', 'start']) url.searchParams.delete(k);
    if (next.partition !== null) url.searchParams.set('partition', String(next.partition));
    const s = startOf(next);
    if (typeof s === 'object') url.searchParams.set('offset' in s ? 'offset' : 'timestamp', String('offset' in s ? s.offset : s.timestamp));
    else if (s === 'oldest') url.searchParams.set('start', 'oldest');
    window.history.replaceState(null, '', url);
  };

  const data = page.data;
  const marks = data ? Object.entries(data.watermarks) : [];
  return (
    <div data-testid="messages-browser">
      <form className="toolbar wrap" onSubmit={apply} aria-label="Message browser controls">
        <label>
          Partition{' '}
          <PartitionSelect count={partitions} value={form.partition} onChange={(partition) => setForm({ ...form, partition })} first={{ value: 'all', label: 'All' }} testId="messages-partition" />
        </label>
        <label>
          Start{' '}
          <select value={form.startKind} onChange={(e) => setForm({ ...form, startKind: e.target.value as StartKind })} data-testid="messages-start">
            <option value="newest">Newest</option>
            <option value="oldest">Oldest</option>
            <option value="offset">Offset</option>
            <option value="timestamp">Timestamp</option>
          </select>
        </label>
        {form.startKind === 'offset' && (
          <input type="number" min={0} placeholder="offset" value={form.offset} onChange={(e) => setForm({ ...form, offset: e.target.value })} aria-label="Start offset" data-testid="messages-offset" className="narrow" />
        )}
        {form.startKind === 'timestamp' && (
          <input type="datetime-local" step={1} value={form.timestamp} onChange={(e) => setForm({ ...form, timestamp: e.target.value })} aria-label="Start time" data-testid="messages-timestamp" />
        )}
        <input type="search" placeholder="Filter by text…" value={form.text} onChange={(e) => setForm({ ...form, text: e.target.value })} aria-label="Filter text" data-testid="messages-filter" />
        <select value={form.field} onChange={(e) => setForm({ ...form, field: e.target.value as 'key' | 'value' | 'any' })} aria-label="Filter field" data-testid="messages-filter-field">
          <option value="any">key or value</option>
          <option value="key">key</option>
          <option value="value">value</option>
        </select>
        <button type="submit" className="btn primary" data-testid="messages-go">
          Go
        </button>
        <span className="spacer" />
        <button type="button" className={`btn ${live ? 'primary' : ''}`} aria-pressed={live} onClick={() => setLive(!live)} data-testid="messages-live-toggle">
          {live ? '● Live' : 'Live tail'}
        </button>
      </form>

      {live ? (
        <LiveTail topic={topic} partitions={params.partition === null ? null : [params.partition]} />
      ) : (
        <>
          <div className="toolbar">
            <button type="button" className="btn" disabled={!data?.hasOlder || page.isFetching} onClick={() => data && setNav({ kind: 'page', window: data.window, direction: 'backward' })} data-testid="messages-older">
              ← Older
            </button>
            <button type="button" className="btn" disabled={!data?.hasNewer || page.isFetching} onClick={() => data && setNav({ kind: 'page', window: data.window, direction: 'forward' })} data-testid="messages-newer">
              Newer →
            </button>
            <span className="muted" data-testid="messages-range">
              {data &&
                Object.entries(data.window)
                  .filter(([, w]) => w.to > w.from)
                  .map(([p, w]) => `p${p}: ${w.from}–${w.to - 1}`)
                  .join(' · ')}
            </span>
            {filter && data && <span className="muted">{formatNumber(data.scanned)} records scanned for “{filter.text}”</span>}
            <span className="spacer" />
            <span className="muted">
              {marks.length === 1 && `offsets ${marks[0][1].logStartOffset}–${marks[0][1].highWatermark - 1}`} {page.isFetching ? '· loading…' : ''}
            </span>
          </div>
          <ErrorBox error={page.error} />
          {data && data.records.length === 0 ? (
            <EmptyState title={filter ? 'No match in the scanned records' : 'No records here'} testId="messages-empty">
              {filter ? 'Page on to scan further, or change the filter.' : 'Produce one from the Produce tab, or pick another start.'}
            </EmptyState>
          ) : (
            <MessageTable topic={topic} records={data?.records ?? []} />
          )}
          <p className="muted small">Up to {PAGE_SIZE} records a page, spread over the chosen partitions.</p>
        </>
      )}
    </div>
  );
}

function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date().getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

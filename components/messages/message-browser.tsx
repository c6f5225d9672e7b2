'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useCan } from '@/components/auth/auth-context';
import { useTRPC } from '@/components/trpc/provider';
import { EmptyState, ErrorBox } from '@/components/ui/bits';
import { formatNumber, formatTime } from '@/components/ui/format';
import { BrowseControls, formOf, readForm } from './browse-controls';
import { type BrowseParams, firstBrowseInput, PAGE_SIZE, startOf } from './browse-input';
import { LiveTail } from './live-tail';
import { type BrowsedRecord, MessageTable } from './message-table';

type Window = Record<string, { from: number; to: number }>;
type Nav = { kind: 'start' } | { kind: 'page'; window: Window; direction: 'forward' | 'backward' };
type Filter = { text: string; field: 'key' | 'value' | 'any' };

/**
 * Browse a topic's records, newest first (as the live tail): pick partition(s) and where to start, page
 * newer/older by existing records (compaction gaps never make a page empty), filter by key or value
 * text (a bounded scan), or follow new records live. A jump (offset or UTC time) marks the record it landed on.
 */
export function MessageBrowser({ topic, partitions, initial }: { topic: string; partitions: number; initial: BrowseParams }) {
  const trpc = useTRPC();
  const canProduce = useCan('write');
  const [params, setParams] = useState(initial);
  const [form, setForm] = useState(() => formOf(initial));
  const [filter, setFilter] = useState<Filter | null>(null);
  const [nav, setNav] = useState<Nav>({ kind: 'start' });
  const [live, setLive] = useState(false);

  const base = firstBrowseInput(topic, params);
  const input = nav.kind === 'start' ? { ...base, filter } : { ...base, filter, window: nav.window, direction: nav.direction };
  const page = useQuery(trpc.records.browse.queryOptions(input, { placeholderData: keepPreviousData, enabled: !live }));

  const apply = () => {
    const { params: next } = readForm(form);
    if (!next) return;
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
  const jumped = nav.kind === 'start' && (params.startKind === 'offset' || params.startKind === 'timestamp');
  const marked = jumped && data ? landedOn(data.records, params.startKind === 'offset') : null;
  useEffect(() => {
    if (marked) document.querySelector(`[data-testid="messages-row-${marked}"]`)?.scrollIntoView({ block: 'center' });
  }, [marked]);
  const marks = data ? Object.values(data.watermarks) : [];
  return (
    <div data-testid="messages-browser">
      <BrowseControls partitions={partitions} form={form} onChange={setForm} onApply={apply} live={live} onLive={setLive} />
      {live ? (
        <LiveTail topic={topic} partitions={params.partition === null ? null : [params.partition]} />
      ) : (
        <>
          <div className="toolbar">
            <button
              type="button"
              className="btn"
              disabled={!data?.hasNewer || page.isFetching}
              onClick={() => data && setNav({ kind: 'page', window: data.window, direction: 'forward' })}
              data-testid="messages-newer"
            >
              ← Newer
            </button>
            <button
              type="button"
              className="btn"
              disabled={!data?.hasOlder || page.isFetching}
              onClick={() => data && setNav({ kind: 'page', window: data.window, direction: 'backward' })}
              data-testid="messages-older"
            >
              Older →
            </button>
            <span className="muted" data-testid="messages-order">
              Newest first
            </span>
            <span className="muted" data-testid="messages-range">
              {data && shownRange(data.records)}
            </span>
            {filter && data && (
              <span className="muted">
                {formatNumber(data.scanned)} records scanned for “{filter.text}”
              </span>
            )}
            <span className="spacer" />
            <span className="muted">
              {marks.length === 1 && `log offsets ${marks[0].logStartOffset}–${marks[0].highWatermark - 1}`}{' '}
              {page.isFetching ? '· loading…' : ''}
            </span>
          </div>
          {marked && data && (
            <p className="muted small" data-testid="messages-jump-note">
              Started at {params.startKind === 'offset' ? `offset ${params.offset}` : formatTime(params.timestamp)}: the marked record is
              the first one there; newer ones are above it.
            </p>
          )}
          <ErrorBox error={page.error} />
          {data && data.records.length === 0 ? (
            <EmptyState title={filter ? 'No match in the scanned records' : 'No records here'} testId="messages-empty">
              {filter
                ? 'Page on to scan further, or change the filter.'
                : canProduce
                  ? 'Produce one from the Produce tab, or pick another start.'
                  : 'Pick another start.'}
            </EmptyState>
          ) : (
            <MessageTable topic={topic} records={data?.records ?? []} marked={marked} />
          )}
          <p className="muted small">Up to {PAGE_SIZE} records a page, spread over the chosen partitions, newest first.</p>
        </>
      )}
    </div>
  );
}

/** The record a jump landed on: the lowest offset (a jump by offset) or the earliest time (by time). */
function landedOn(records: BrowsedRecord[], byOffset: boolean): string | null {
  let best: BrowsedRecord | null = null;
  for (const r of records) {
    const key = (x: BrowsedRecord) => (byOffset ? [x.offset, x.partition] : [x.timestamp, x.partition, x.offset]);
    if (!best || compare(key(r), key(best)) < 0) best = r;
  }
  return best ? `${best.partition}-${best.offset}` : null;
}

const compare = (a: number[], b: number[]) => a.reduce((c, x, i) => c || x - b[i], 0);

/** The offsets shown, per partition: "p0: 196–239 · p2: 12–40". */
function shownRange(records: BrowsedRecord[]): string {
  const by = new Map<number, [number, number]>();
  for (const r of records) {
    const [lo, hi] = by.get(r.partition) ?? [r.offset, r.offset];
    by.set(r.partition, [Math.min(lo, r.offset), Math.max(hi, r.offset)]);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a - b)
    .map(([p, [lo, hi]]) => `p${p}: ${lo === hi ? lo : `${lo}–${hi}`}`)
    .join(' · ');
}

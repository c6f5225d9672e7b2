'use client';

import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/provider';
import { ErrorBox } from '@/components/ui/bits';
import { type BrowsedRecord, MessageTable } from './message-table';

const KEEP = 500;

/**
 * Live tail: new records of the chosen partitions appear as they are committed (one Server-Sent Events
 * stream for all of them). Pausing remembers where each partition was; resuming continues from there.
 */
export function LiveTail({ topic, partitions }: { topic: string; partitions: number[] | null }) {
  const trpc = useTRPC();
  const [paused, setPaused] = useState(false);
  const [rows, setRows] = useState<BrowsedRecord[]>([]);
  const [positions, setPositions] = useState<Record<string, number> | null>(null);
  const [resumeFrom, setResumeFrom] = useState<Record<string, number> | null>(null);
  const sub = useSubscription(
    trpc.records.tailTopic.subscriptionOptions(
      { topic, partitions, from: resumeFrom },
      {
        enabled: !paused,
        onData: (batch) => {
          setRows((r) => [...[...batch.records].reverse(), ...r].slice(0, KEEP));
          setPositions(batch.positions);
        },
      },
    ),
  );
  const toggle = () => {
    if (!paused) setResumeFrom(positions);
    setPaused(!paused);
  };
  return (
    <div data-testid="messages-live">
      <div className="toolbar">
        <span className={`live-dot ${paused ? 'paused' : sub.status === 'pending' ? 'on' : ''}`} aria-hidden />
        <span data-testid="messages-live-status">
          {paused ? 'Paused' : sub.status === 'pending' ? 'Live: new records appear as they arrive' : 'Connecting…'}
        </span>
        <button type="button" className="btn" onClick={toggle} data-testid="messages-live-pause">
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="btn ghost" onClick={() => setRows([])}>
          Clear
        </button>
        <span className="muted">
          {rows.length} received (newest first, last {KEEP} kept)
        </span>
      </div>
      <ErrorBox error={sub.error} />
      <MessageTable topic={topic} records={rows} testId="messages-live-table" />
    </div>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { Lane } from '@/components/trpc/outputs';
import { useTRPC } from '@/components/trpc/provider';
import { ErrorBox } from '@/components/ui/bits';
import { partitionNumbers } from '@/components/ui/partition-select';
import { SCRATCH_PARTITIONS, SCRATCH_TOPIC } from '@/server/examples/tour/names';

/** A consumer's read: one partition, from an offset on, with records.fetch (the call consumers make). */
export function ConsumerWidget({ lanes }: { lanes: Lane[] }) {
  const trpc = useTRPC();
  const [partition, setPartition] = useState('0');
  const [offset, setOffset] = useState('');
  const [asked, setAsked] = useState<{ partition: number; offset: number } | null>(null);
  const pid = useId();
  const oid = useId();
  const read = useQuery(
    trpc.records.fetch.queryOptions(
      { topic: SCRATCH_TOPIC, partition: asked?.partition ?? 0, offset: asked?.offset ?? 0, maxRecords: 5 },
      { enabled: asked !== null },
    ),
  );
  // Empty means the earliest offset still kept (retention may have dropped offset 0).
  const offsetNumber = offset === '' ? (lanes[Number(partition)]?.logStartOffset ?? 0) : Number(offset);
  return (
    <div data-testid="learn-consumer-widget">
      <div className="row">
        <label htmlFor={pid} className="small">
          Partition
        </label>
        <select id={pid} value={partition} onChange={(e) => setPartition(e.target.value)}>
          {partitionNumbers(SCRATCH_PARTITIONS).map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <label htmlFor={oid} className="small">
          from offset
        </label>
        <input
          id={oid}
          className="narrow"
          inputMode="numeric"
          placeholder="earliest"
          value={offset}
          onChange={(e) => setOffset(e.target.value)}
        />
        <button
          type="button"
          className="btn primary"
          disabled={!Number.isSafeInteger(offsetNumber) || offsetNumber < 0}
          onClick={() => setAsked({ partition: Number(partition), offset: offsetNumber })}
          data-testid="learn-consumer-read"
        >
          Read
        </button>
      </div>
      {read.data && (
        <ul className="small" data-testid="learn-consumer-records">
          {read.data.records.length === 0 && <li className="muted">Nothing there yet (high watermark {read.data.highWatermark}).</li>}
          {read.data.records.map((r) => (
            <li key={r.offset}>
              <span className="mono">offset {r.offset}</span> · <span className="mono">{r.key ?? 'no key'}</span> · {r.value}
            </li>
          ))}
        </ul>
      )}
      <ErrorBox error={read.error} />
    </div>
  );
}

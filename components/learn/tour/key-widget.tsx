'use client';

import { useId, useState } from 'react';
import { ErrorBox } from '@/components/ui/bits';
import { SCRATCH_TOPIC } from '@/server/examples/tour/names';
import { usePartitionFor, useProduceScratch } from './queries';
import styles from './tour.module.css';

/** Type a key, see its partition (the real murmur2 partitioner), and send it to check where it lands. */
export function KeyWidget({ partitions }: { partitions: number }) {
  const [key, setKey] = useState('customer-42');
  const [tried, setTried] = useState<Array<{ key: string; partition: number }>>([]);
  const id = useId();
  const predicted = usePartitionFor(key, partitions);
  const produce = useProduceScratch();
  const sent = produce.data?.results[0];
  const p = key ? predicted.data?.partition : undefined;
  const remember = () => {
    if (p === undefined) return;
    setTried((t) => [{ key, partition: p }, ...t.filter((x) => x.key !== key)].slice(0, 5));
  };
  return (
    <div data-testid="learn-key-widget">
      <label htmlFor={id} className="small muted">
        Key
      </label>
      <div className="row">
        <input id={id} value={key} maxLength={200} onChange={(e) => setKey(e.target.value)} data-testid="learn-key-input" />
        <button
          type="button"
          className="btn primary"
          disabled={!key || produce.isPending}
          data-testid="learn-key-send"
          onClick={() => {
            remember();
            produce.mutate({ topic: SCRATCH_TOPIC, records: [{ key, value: `hello from the tour (key ${key})` }] });
          }}
        >
          Send it
        </button>
      </div>
      <p>
        {key ? (
          <>
            goes to partition{' '}
            <span className={styles.bigPartition} data-testid="learn-key-partition">
              {p ?? '…'}
            </span>{' '}
            <span className="muted small">of {partitions}</span>
          </>
        ) : (
          <span className="muted">Type a key.</span>
        )}
      </p>
      {sent && (
        <p className="small" data-testid="learn-key-sent">
          Stored in partition <strong>{sent.partition}</strong> at offset <strong>{sent.offset}</strong>.
        </p>
      )}
      <ErrorBox error={produce.error ?? predicted.error} />
      {tried.length > 0 && (
        <ul className="small muted" data-testid="learn-key-history">
          {tried.map((t) => (
            <li key={t.key}>
              <span className="mono">{t.key}</span> → partition {t.partition}, every time
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

'use client';

import { useId, useState } from 'react';
import { ErrorBox } from '@/components/ui/bits';
import { SCRATCH_TOPIC } from '@/server/examples/tour/names';
import { useProduceScratch } from './queries';

/** A producer's send: a value (and an optional key) in, a partition and an offset back. */
export function ProducerWidget() {
  const [value, setValue] = useState('Hello, Brook!');
  const [key, setKey] = useState('');
  const produce = useProduceScratch();
  const vid = useId();
  const kid = useId();
  const sent = produce.data?.results[0];
  return (
    <div data-testid="learn-producer-widget">
      <div className="row">
        <label htmlFor={vid} className="small">
          Message
        </label>
        <input id={vid} value={value} maxLength={500} onChange={(e) => setValue(e.target.value)} data-testid="learn-producer-value" />
        <label htmlFor={kid} className="small">
          key (optional)
        </label>
        <input id={kid} className="narrow" value={key} maxLength={200} onChange={(e) => setKey(e.target.value)} />
        <button
          type="button"
          className="btn primary"
          disabled={produce.isPending}
          onClick={() => produce.mutate({ topic: SCRATCH_TOPIC, records: [{ key: key || null, value }] })}
          data-testid="learn-producer-send"
        >
          Send
        </button>
      </div>
      {sent && (
        <p className="small" data-testid="learn-producer-result">
          The broker answered: stored in <span className="mono">{SCRATCH_TOPIC}</span>, partition <strong>{sent.partition}</strong>, offset{' '}
          <strong>{sent.offset}</strong>.
        </p>
      )}
      <ErrorBox error={produce.error} />
    </div>
  );
}

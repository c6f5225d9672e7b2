'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useState } from 'react';
import { useTRPC } from '@/components/trpc/provider';
import { ErrorBox } from '@/components/ui/bits';
import { useEditableRows } from '@/components/ui/editable-rows';
import { PartitionSelect } from '@/components/ui/partition-select';

/** Send one record: key, value (JSON checked when chosen), headers, partition or automatic. */
export function ProduceTab({ topic, partitions }: { topic: string; partitions: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('{\n  "hello": "brook"\n}');
  const [format, setFormat] = useState<'json' | 'text'>('json');
  const [partition, setPartition] = useState('auto');
  const headers = useEditableRows<{ key: string; value: string }>();
  const partitionId = useId();
  let jsonError: string | null = null;
  if (format === 'json') {
    try {
      JSON.parse(value);
    } catch (e) {
      jsonError = (e as Error).message;
    }
  }
  const produce = useMutation(
    trpc.records.produce.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.topics.pathKey() }),
    }),
  );
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (jsonError) return;
    produce.mutate({
      topic,
      records: [
        {
          key: key === '' ? null : key,
          value,
          headers: headers.rows.filter((h) => h.key !== '').map(({ key, value }) => ({ key, value })),
          partition: partition === 'auto' ? undefined : Number(partition),
        },
      ],
    });
  };
  const result = produce.data?.results[0];
  return (
    <form className="form produce" onSubmit={submit} data-testid="produce-form">
      <div className="row">
        <label className="grow">
          Key <small className="muted">(empty: none; a key picks the partition by murmur2, as Kafka does)</small>
          <input value={key} onChange={(e) => setKey(e.target.value)} className="mono" data-testid="produce-key" />
        </label>
        <label htmlFor={partitionId}>
          Partition
          <PartitionSelect
            id={partitionId}
            count={partitions}
            value={partition}
            onChange={setPartition}
            first={{ value: 'auto', label: 'automatic' }}
            testId="produce-partition"
          />
        </label>
      </div>
      <label>
        <span className="row">
          Value
          {/* Toggle buttons (aria-pressed), not an ARIA radio group: radios and a fieldset may not stand inside this label. */}
          <span className="segmented">
            {(['json', 'text'] as const).map((f) => (
              <button
                key={f}
                type="button"
                aria-pressed={format === f}
                title={`Value format: ${f === 'json' ? 'JSON' : 'text'}`}
                className={format === f ? 'on' : ''}
                onClick={() => setFormat(f)}
                data-testid={`produce-format-${f}`}
              >
                {f === 'json' ? 'JSON' : 'Text'}
              </button>
            ))}
          </span>
        </span>
        <textarea
          value={value}
          onChange={(e) => setValue(e.target.value)}
          rows={10}
          className="mono editor"
          spellCheck={false}
          data-testid="produce-value"
          aria-invalid={!!jsonError}
        />
        {jsonError ? (
          <small className="err-text" data-testid="produce-json-error">
            Not valid JSON: {jsonError}
          </small>
        ) : (
          format === 'json' && <small className="ok-text">Valid JSON</small>
        )}
      </label>
      <fieldset>
        <legend>Headers</legend>
        {headers.rows.map((h) => (
          <div className="row" key={h.id}>
            <input
              placeholder="key"
              value={h.key}
              onChange={(e) => headers.update(h.id, { key: e.target.value })}
              aria-label="Header key"
              className="mono"
            />
            <input
              placeholder="value"
              value={h.value}
              onChange={(e) => headers.update(h.id, { value: e.target.value })}
              aria-label="Header value"
              className="mono grow"
            />
            <button type="button" className="btn ghost" onClick={() => headers.remove(h.id)} aria-label="Remove header">
              ✕
            </button>
          </div>
        ))}
        <button type="button" className="btn ghost" onClick={() => headers.add({ key: '', value: '' })} data-testid="produce-add-header">
          + Add header
        </button>
      </fieldset>
      <ErrorBox error={produce.error} />
      <div className="form-actions">
        {result && (
          <span className="ok-text" data-testid="produce-result">
            Written to partition <strong>{result.partition}</strong> at offset <strong>{result.offset}</strong> ·{' '}
            <Link href={`/topics/${encodeURIComponent(topic)}/${result.partition}/${result.offset}`}>view it</Link>
          </span>
        )}
        <button type="submit" className="btn primary" disabled={produce.isPending || !!jsonError} data-testid="produce-submit">
          {produce.isPending ? 'Sending…' : 'Produce'}
        </button>
      </div>
    </form>
  );
}

'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useCan } from '@/components/auth/auth-context';
import { useTRPC } from '@/components/trpc/provider';
import { ErrorBox } from '@/components/ui/bits';
import { useTopic } from './queries';

/** Kafka's topic configs with their defaults; edit one, or reset it to the default. */
export function ConfigsTab({ topic }: { topic: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useTopic(topic);
  const canAlter = useCan('admin');
  const [editing, setEditing] = useState<{ name: string; value: string } | null>(null);
  // The field appears because the user chose Edit: focus it once (a stable ref, so a refetch does not steal focus back).
  const focusOnMount = useCallback((el: HTMLInputElement | null) => el?.focus(), []);
  const alter = useMutation(
    trpc.topics.alterConfigs.mutationOptions({
      onSuccess: async () => {
        setEditing(null);
        await qc.invalidateQueries({ queryKey: trpc.topics.pathKey() });
      },
    }),
  );
  return (
    <div className="table-wrap">
      <ErrorBox error={alter.error} />
      <table data-testid="configs-table" className="cards-narrow configs">
        <thead>
          <tr>
            <th>Config</th>
            <th>Value</th>
            <th>Default</th>
            <th>What it does</th>
            {canAlter && <th />}
          </tr>
        </thead>
        <tbody>
          {(t.data?.configEntries ?? []).map((c) => (
            <tr key={c.name} data-testid={`configs-row-${c.name}`}>
              <td className="mono config-name">{c.name}</td>
              <td data-label="Value">
                {editing?.name === c.name ? (
                  <form
                    className="row"
                    onSubmit={(e) => {
                      e.preventDefault();
                      alter.mutate({ name: topic, configs: { [c.name]: editing.value } });
                    }}
                  >
                    <input
                      value={editing.value}
                      onChange={(e) => setEditing({ ...editing, value: e.target.value })}
                      ref={focusOnMount}
                      aria-label={`${c.name} value`}
                      data-testid="configs-edit-value"
                    />
                    <button type="submit" className="btn primary" data-testid="configs-save">
                      Save
                    </button>
                    <button type="button" className="btn ghost" onClick={() => setEditing(null)}>
                      Cancel
                    </button>
                  </form>
                ) : (
                  <span className={`mono ${c.isDefault ? 'muted' : 'strong'}`}>{c.value}</span>
                )}
              </td>
              <td className="mono muted" data-label="Default">
                {c.default}
              </td>
              <td className="muted small config-doc">{c.doc}</td>
              {canAlter && (
                <td className="nowrap config-actions">
                  <button
                    type="button"
                    className="btn ghost"
                    onClick={() => setEditing({ name: c.name, value: c.value })}
                    data-testid={`configs-edit-${c.name}`}
                  >
                    Edit
                  </button>
                  {!c.isDefault && (
                    <button type="button" className="btn ghost" onClick={() => alter.mutate({ name: topic, configs: { [c.name]: null } })}>
                      Reset
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

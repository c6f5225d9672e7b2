'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useCan } from '@/components/auth/auth-context';
import { useTRPC } from '@/components/trpc/provider';
import { ErrorBox } from '@/components/ui/bits';
import { Concepts } from './concepts';
import { HowItWorks } from './how-it-works';
import { useScratch } from './queries';
import styles from './tour.module.css';

const INDEX: Array<[string, string]> = [
  ['producer', 'Producer'],
  ['consumer', 'Consumer'],
  ['broker', 'Broker'],
  ['topic', 'Topic'],
  ['partition', 'Partition'],
  ['offset', 'Offset'],
  ['consumer-group', 'Consumer group'],
  ['how-it-works', 'How it works'],
  ['durability', 'Retention'],
];

/** The tour: creates its scratch topic on first visit (idempotent), then every step reads it live. */
export function Tour() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const start = useMutation(
    trpc.learn.start.mutationOptions({ onSuccess: (data) => qc.setQueryData(trpc.learn.scratch.queryKey(), data) }),
  );
  const scratch = useScratch();
  // The tour writes to its scratch topic, so running it is an admin's; anyone else reads along.
  const canRun = useCan('admin');
  const { mutate } = start;
  useEffect(() => {
    if (canRun) mutate();
  }, [mutate, canRun]);
  const lanes = scratch.data?.lanes ?? [];
  return (
    <div data-testid="learn-tour">
      <nav aria-label="Steps">
        <ul className={styles.index}>
          {INDEX.map(([id, label]) => (
            <li key={id}>
              <a href={`#${id}`}>{label}</a>
            </li>
          ))}
        </ul>
      </nav>
      <ErrorBox error={start.error} />
      {!canRun && (
        <p className="muted" data-testid="learn-read-only">
          The tour&apos;s buttons write to its scratch topic (made by an admin&apos;s first visit here), which needs the admin role: they
          are hidden for you.
        </p>
      )}
      <div className={canRun ? undefined : styles.readOnly}>
        <Concepts lanes={lanes} retentionMs={scratch.data?.retentionMs ?? null} />
        <HowItWorks lanes={lanes} retentionMs={scratch.data?.retentionMs ?? null} />
      </div>
    </div>
  );
}

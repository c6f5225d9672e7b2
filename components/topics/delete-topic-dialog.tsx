'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/provider';
import { ErrorBox } from '@/components/ui/bits';
import { Dialog } from '@/components/ui/dialog';

/** Deleting drops the topic's tables: confirmed by typing its name. */
export function DeleteTopicDialog({ name, open, onClose }: { name: string; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const [typed, setTyped] = useState('');
  const del = useMutation(
    trpc.topics.delete.mutationOptions({
      onSuccess: async () => {
        // Mark topic data stale without refetching it here: refetching this page's own topic would
        // only answer UNKNOWN_TOPIC_OR_PARTITION. The topics list refetches as it mounts.
        await qc.invalidateQueries({ queryKey: trpc.topics.pathKey(), refetchType: 'none' });
        onClose();
        router.push('/topics');
      },
    }),
  );
  return (
    <Dialog open={open} onClose={onClose} title={`Delete topic ${name}`} testId="topics-delete-dialog">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === name) del.mutate({ name });
        }}
      >
        <p>
          This drops every partition&apos;s log tables and cannot be undone. Consumer groups keep their committed offsets for it until they
          are deleted.
        </p>
        <label>
          Type <code>{name}</code> to confirm
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus data-testid="topics-delete-confirm" />
        </label>
        <ErrorBox error={del.error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn danger" disabled={typed !== name || del.isPending} data-testid="topics-delete-submit">
            Delete topic
          </button>
        </div>
      </form>
    </Dialog>
  );
}

'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '@/components/trpc/provider';
import { ErrorBox } from '@/components/ui/bits';
import { Dialog, DialogActions } from '@/components/ui/dialog';

/** Kafka's DeleteGroups: the group and its committed offsets go; the broker refuses while it has members. */
export function DeleteGroupDialog({ groupId, open, onClose }: { groupId: string; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const del = useMutation(
    trpc.groups.delete.mutationOptions({
      onSuccess: async () => {
        // Not refetched here: this page's own group would only answer GROUP_ID_NOT_FOUND.
        await qc.invalidateQueries({ queryKey: trpc.groups.pathKey(), refetchType: 'none' });
        onClose();
        router.push('/groups');
      },
    }),
  );
  const close = () => {
    del.reset();
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} title={`Delete group ${groupId}`} testId="groups-delete-dialog">
      <p>
        The group and its committed offsets are deleted; a consumer that joins it again starts from its <code>auto.offset.reset</code>{' '}
        position. Only a group without members can be deleted.
      </p>
      <ErrorBox error={del.error} />
      <DialogActions
        onCancel={close}
        label="Delete group"
        pending={del.isPending}
        danger
        onConfirm={() => del.mutate({ groupId })}
        testId="groups-delete-submit"
      />
    </Dialog>
  );
}

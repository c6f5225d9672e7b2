'use client';

import { EmptyState, PageHeader } from '@/components/ui/bits';
import { GroupsTable } from './groups-table';
import { useGroups } from './queries';

export function GroupsPage() {
  const groups = useGroups();
  return (
    <>
      <PageHeader
        title="Consumer groups"
        subtitle="Members share a topic's partitions; the broker assigns them (KIP-848 style) and tracks lag."
      />
      {groups.data && groups.data.length === 0 ? (
        <EmptyState title="No consumer groups yet" testId="groups-empty">
          A group appears when a consumer joins it (
          <code>
            brook.consumer({'{'} groupId {'}'}).subscribe(…)
          </code>{' '}
          with the TypeScript client) or commits offsets.
        </EmptyState>
      ) : (
        <GroupsTable groups={groups.data ?? []} testId="groups-table" />
      )}
    </>
  );
}

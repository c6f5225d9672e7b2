import type { Metadata } from 'next';
import { GroupsPage } from '@/components/groups/groups-page';
import { Hydrate } from '@/components/trpc/hydrate';
import { getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Consumer groups' };

export default async function Page() {
  await getQueryClient().prefetchQuery(trpc.groups.list.queryOptions());
  return (
    <Hydrate>
      <GroupsPage />
    </Hydrate>
  );
}

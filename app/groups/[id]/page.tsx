import type { Metadata } from 'next';
import { GroupPage } from '@/components/groups/group-page';
import { Hydrate } from '@/components/trpc/hydrate';
import { getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).id) };
}

export default async function Page({ params }: Props) {
  const groupId = decodeURIComponent((await params).id);
  const qc = getQueryClient();
  await Promise.all([qc.prefetchQuery(trpc.groups.describe.queryOptions({ groupId })), qc.prefetchQuery(trpc.groups.lagHistory.queryOptions({ groupId }))]);
  return (
    <Hydrate>
      <GroupPage groupId={groupId} />
    </Hydrate>
  );
}

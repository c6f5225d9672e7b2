import type { Metadata } from 'next';
import { GroupPage } from '@/components/groups/group-page';
import { Hydrate } from '@/components/trpc/hydrate';
import { decodeParam, fetchOrNotFound, getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeParam((await params).id) };
}

export default async function Page({ params }: Props) {
  const groupId = decodeParam((await params).id);
  const qc = getQueryClient();
  // groups.describe answers GROUP_ID_NOT_FOUND for an id with neither members nor committed offsets: 404.
  await Promise.all([
    fetchOrNotFound(trpc.groups.describe.queryOptions({ groupId })),
    qc.prefetchQuery(trpc.groups.lagHistory.queryOptions({ groupId })),
  ]);
  return (
    <Hydrate>
      <GroupPage groupId={groupId} />
    </Hydrate>
  );
}

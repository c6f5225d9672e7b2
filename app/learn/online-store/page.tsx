import type { Metadata } from 'next';
import { OnlineStorePage } from '@/components/learn/shop/online-store-page';
import { Hydrate } from '@/components/trpc/hydrate';
import { getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'The online store · Learn' };

export default async function Page() {
  await getQueryClient().prefetchQuery(trpc.shop.status.queryOptions());
  return (
    <Hydrate>
      <OnlineStorePage />
    </Hydrate>
  );
}

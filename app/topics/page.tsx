import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TopicsPage } from '@/components/topics/topics-page';
import { Hydrate } from '@/components/trpc/hydrate';
import { getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Topics' };

export default async function Page() {
  const qc = getQueryClient();
  await Promise.all([
    qc.prefetchQuery(trpc.topics.list.queryOptions()),
    qc.prefetchQuery(trpc.groups.list.queryOptions()),
    qc.prefetchQuery(trpc.rates.topics.queryOptions()),
  ]);
  return (
    <Hydrate>
      <Suspense>
        <TopicsPage />
      </Suspense>
    </Hydrate>
  );
}

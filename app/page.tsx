import { Overview } from '@/components/overview/overview';
import { Hydrate } from '@/components/trpc/hydrate';
import { getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  const qc = getQueryClient();
  await Promise.all([
    qc.prefetchQuery(trpc.clusters.describe.queryOptions()),
    qc.prefetchQuery(trpc.rates.history.queryOptions()),
    qc.prefetchQuery(trpc.groups.list.queryOptions()),
  ]);
  return (
    <Hydrate>
      <Overview />
    </Hydrate>
  );
}

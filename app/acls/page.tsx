import type { Metadata } from 'next';
import { AclsPage } from '@/components/acls/acls-page';
import { listInput, NO_FILTER } from '@/components/acls/filter';
import { meAllows } from '@/components/auth/me';
import { Hydrate } from '@/components/trpc/hydrate';
import { currentMe } from '@/server/api/page-me';
import { getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'ACLs' };

export default async function Page() {
  // Only an admin's page asks for the bindings (anyone else is shown why not, and the API would refuse).
  if (meAllows(await currentMe(), 'admin')) await getQueryClient().prefetchQuery(trpc.acls.list.queryOptions(listInput(NO_FILTER)));
  return (
    <Hydrate>
      <AclsPage />
    </Hydrate>
  );
}

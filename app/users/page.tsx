import type { Metadata } from 'next';
import { meAllows } from '@/components/auth/me';
import { UsersPage } from '@/components/auth/users-page';
import { Hydrate } from '@/components/trpc/hydrate';
import { currentMe } from '@/server/api/page-me';
import { getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Users & tokens' };

export default async function Page() {
  // Only an admin's page asks for the lists (anyone else is shown why not, and the API would refuse).
  if (meAllows(await currentMe(), 'admin')) {
    const qc = getQueryClient();
    await Promise.all([qc.prefetchQuery(trpc.auth.users.queryOptions()), qc.prefetchQuery(trpc.auth.tokens.queryOptions())]);
  }
  return (
    <Hydrate>
      <UsersPage />
    </Hydrate>
  );
}

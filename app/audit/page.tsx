import type { Metadata } from 'next';
import { AuditPage } from '@/components/auth/audit-page';
import { auditQuery } from '@/components/auth/audit-query';
import { meAllows } from '@/components/auth/me';
import { Hydrate } from '@/components/trpc/hydrate';
import { currentMe } from '@/server/api/page-me';
import { getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Audit log' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function Page({ searchParams }: Props) {
  const filter = auditQuery(await searchParams);
  if (meAllows(await currentMe(), 'admin')) await getQueryClient().prefetchQuery(trpc.auth.audit.queryOptions(filter));
  return (
    <Hydrate>
      <AuditPage initial={filter} />
    </Hydrate>
  );
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RecordPage } from '@/components/messages/record-page';
import { Hydrate } from '@/components/trpc/hydrate';
import { getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string; partition: string; offset: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `${decodeURIComponent(p.name)} ${p.partition}@${p.offset}` };
}

export default async function Page({ params }: Props) {
  const p = await params;
  if (!/^\d+$/.test(p.partition) || !/^\d+$/.test(p.offset)) notFound();
  const topic = decodeURIComponent(p.name);
  const [partition, offset] = [Number(p.partition), Number(p.offset)];
  await getQueryClient().prefetchQuery(trpc.records.fetch.queryOptions({ topic, partition, offset, maxRecords: 1, encoding: 'base64' }));
  return (
    <Hydrate>
      <RecordPage topic={topic} partition={partition} offset={offset} />
    </Hydrate>
  );
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { recordPageQuery } from '@/components/messages/browse-input';
import { RecordPage } from '@/components/messages/record-page';
import { Hydrate } from '@/components/trpc/hydrate';
import { decodeParam, fetchOrNotFound, getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string; partition: string; offset: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `${decodeParam(p.name)} ${p.partition}@${p.offset}` };
}

export default async function Page({ params }: Props) {
  const p = await params;
  if (!/^\d+$/.test(p.partition) || !/^\d+$/.test(p.offset)) notFound();
  const topic = decodeParam(p.name);
  const [partition, offset] = [Number(p.partition), Number(p.offset)];
  // A permalink into a topic or partition that does not exist is a 404, not an empty record page.
  const t = await fetchOrNotFound(trpc.topics.get.queryOptions({ name: topic }));
  if (partition >= t.partitions) notFound();
  await getQueryClient().prefetchQuery(trpc.records.browse.queryOptions(recordPageQuery(topic, partition, offset)));
  return (
    <Hydrate>
      <RecordPage topic={topic} partition={partition} offset={offset} />
    </Hydrate>
  );
}

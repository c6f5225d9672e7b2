import type { Metadata } from 'next';
import { firstBrowseInput, parseBrowseParams } from '@/components/messages/browse-input';
import { TOPIC_TABS, type TopicTab } from '@/components/topics/tabs';
import { TopicPage } from '@/components/topics/topic-page';
import { Hydrate } from '@/components/trpc/hydrate';
import { decodeParam, fetchOrNotFound, getQueryClient, trpc } from '@/server/api/rsc';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeParam((await params).name) };
}

export default async function Page({ params, searchParams }: Props) {
  const name = decodeParam((await params).name);
  const sp = await searchParams;
  const tab = (TOPIC_TABS as readonly string[]).includes(String(sp.tab)) ? (sp.tab as TopicTab) : 'messages';
  const browse = parseBrowseParams(sp);
  const qc = getQueryClient();
  // The topic must exist (else 404); the open tab's data comes along, so the page arrives with it.
  await Promise.all([
    fetchOrNotFound(trpc.topics.get.queryOptions({ name })),
    tab === 'messages' ? qc.prefetchQuery(trpc.records.browse.queryOptions(firstBrowseInput(name, browse))) : null,
  ]);
  return (
    <Hydrate>
      <TopicPage name={name} tab={tab} browse={browse} />
    </Hydrate>
  );
}

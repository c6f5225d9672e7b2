import { TopicWatermarks } from '@/components/topics/topic-watermarks';
import { createCaller } from '@/server/api/root';
import { getBroker } from '@/server/runtime';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const caller = createCaller({ broker: await getBroker() });
  const topics = await caller.topics.list();
  const details = await Promise.all(topics.map((t) => caller.topics.get({ name: t.name })));
  return (
    <main style={{ maxWidth: 1100, margin: '0 auto', padding: 24 }}>
      <h1>Brook</h1>
      <TopicWatermarks topics={details} />
    </main>
  );
}

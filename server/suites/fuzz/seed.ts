import { isBrokerError } from '@/server/broker';
import type { FuzzEnv } from './target';

/** Topics and a group every target starts with (earlier targets may have deleted or changed them). */
export const SEED_TOPICS = [
  { name: 'fuzz-a', partitions: 3 },
  { name: 'fuzz-b', partitions: 1 },
];
export const SEED_GROUP = 'fuzz-group';

export async function seedState(env: FuzzEnv): Promise<void> {
  const { broker } = env;
  const existing = new Set((await broker.listTopics()).map((t) => t.name));
  for (const t of SEED_TOPICS) {
    if (existing.has(t.name)) continue;
    await broker.createTopic(t).catch((err) => {
      if (!isBrokerError(err, 'TOPIC_ALREADY_EXISTS')) throw err;
    });
    const value = (s: string) => Buffer.from(s);
    await broker.produce(
      t.name,
      Array.from({ length: 6 }, (_, i) => ({ key: value(`k${i}`), value: value(`v${i} ü 😀`), partition: i % t.partitions })),
    );
  }
  await broker.groups
    .commit({ groupId: SEED_GROUP, offsets: [{ topic: 'fuzz-a', partition: 0, offset: 1, metadata: null }] })
    .catch(() => {}); // a group some earlier case gave members keeps its offsets
  env.pools = {
    topics: (await broker.listTopics()).map((t) => t.name).slice(0, 20),
    groups: [SEED_GROUP, ...(await broker.groups.list()).map((g) => g.groupId).filter((g) => g !== SEED_GROUP)].slice(0, 20),
  };
}

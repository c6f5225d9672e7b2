/**
 * A topic-partition: the one home for its value, its string key ("topic:partition"), parsing and order.
 * Used by the engine, the client library and the console. Topic names cannot contain ":" (Kafka's legal
 * characters are [a-zA-Z0-9._-]), so the last ":" always splits a key.
 */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** "topic:partition". */
export type TopicPartitionKey = string;

export const tpKey = (topic: string, partition: number): TopicPartitionKey => `${topic}:${partition}`;

export const keyOf = (tp: TopicPartition): TopicPartitionKey => tpKey(tp.topic, tp.partition);

export function parseTpKey(key: TopicPartitionKey): TopicPartition {
  const i = key.lastIndexOf(':');
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}

/** By topic name (code-unit order, as Kafka sorts), then partition number. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

/** The same order over keys. */
export const compareTpKeys = (a: TopicPartitionKey, b: TopicPartitionKey): number => compareTopicPartitions(parseTpKey(a), parseTpKey(b));

/** The wire shape: `[{ topic, partitions: number[] }]`, topics and partitions sorted. */
export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export function toTopicPartitions(keys: Iterable<TopicPartitionKey>): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const k of keys) {
    const { topic, partition } = parseTpKey(k);
    const list = byTopic.get(topic);
    if (list) list.push(partition);
    else byTopic.set(topic, [partition]);
  }
  return [...byTopic.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
}

export function fromTopicPartitions(list: readonly TopicPartitions[]): TopicPartitionKey[] {
  return list.flatMap((t) => t.partitions.map((p) => tpKey(t.topic, p)));
}

import { compareTpKeys, parseTpKey, type TopicPartitionKey, tpKey } from '@/server/kernel/topic-partition';
import type { Assignor } from './types';

/**
 * Server-side assignors (KIP-848). Pure and deterministic: same input, same assignment.
 * `partitionCounts` holds the topics that exist; subscribed topics missing from it get nothing.
 */
export interface AssignorInput {
  members: ReadonlyArray<{ memberId: string; subscribedTopics: readonly string[] }>;
  partitionCounts: Readonly<Record<string, number>>;
  /** The current target, for stickiness. */
  current: Readonly<Record<string, readonly TopicPartitionKey[]>>;
}

export type AssignmentResult = Record<string, TopicPartitionKey[]>;

export function assign(assignor: Assignor, input: AssignorInput): AssignmentResult {
  return assignor === 'range' ? rangeAssign(input) : uniformAssign(input);
}

const byId = <T extends { memberId: string }>(a: T, b: T) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

/**
 * Range: per topic, the members subscribed to it (by member id) take contiguous ranges; the first
 * (partitions % members) take one more. Kafka's RangeAssignor.
 */
export function rangeAssign({ members, partitionCounts }: AssignorInput): AssignmentResult {
  const result: AssignmentResult = Object.fromEntries(members.map((m) => [m.memberId, []]));
  for (const topic of Object.keys(partitionCounts).sort()) {
    const subscribers = members.filter((m) => m.subscribedTopics.includes(topic)).sort(byId);
    if (subscribers.length === 0) continue;
    const n = partitionCounts[topic];
    const base = Math.floor(n / subscribers.length);
    const extra = n % subscribers.length;
    let next = 0;
    subscribers.forEach((m, i) => {
      const count = base + (i < extra ? 1 : 0);
      for (let k = 0; k < count; k++) result[m.memberId].push(tpKey(topic, next++));
    });
  }
  return result;
}

/**
 * Uniform (sticky): spreads all subscribed partitions evenly over the members and keeps each partition
 * with its current owner where balance allows, so a rebalance moves as few partitions as it can.
 */
export function uniformAssign({ members, partitionCounts, current }: AssignorInput): AssignmentResult {
  // Each member with its subscription as a set, so the checks below need no lookup by id.
  const sorted = [...members].sort(byId).map((m) => ({ memberId: m.memberId, topics: new Set(m.subscribedTopics) }));
  const result: AssignmentResult = Object.fromEntries(sorted.map((m) => [m.memberId, []]));
  if (sorted.length === 0) return result;

  const all: TopicPartitionKey[] = [];
  for (const topic of Object.keys(partitionCounts).sort()) {
    if (!sorted.some((m) => m.topics.has(topic))) continue;
    for (let p = 0; p < partitionCounts[topic]; p++) all.push(tpKey(topic, p));
  }
  const exists = new Set(all);
  const base = Math.floor(all.length / sorted.length);
  let extras = all.length % sorted.length;
  const taken = new Set<TopicPartitionKey>();

  const keepable = (m: (typeof sorted)[number]) =>
    (current[m.memberId] ?? []).filter((k) => exists.has(k) && m.topics.has(parseTpKey(k).topic));

  // 1. Everyone keeps up to `base` of what they have; 2. then one more while extra slots remain.
  for (const m of sorted) {
    for (const k of keepable(m).slice(0, base)) {
      if (!taken.has(k)) {
        taken.add(k);
        result[m.memberId].push(k);
      }
    }
  }
  for (const m of sorted) {
    if (extras === 0) break;
    const more = keepable(m).find((k) => !taken.has(k));
    if (more !== undefined && result[m.memberId].length === base) {
      taken.add(more);
      result[m.memberId].push(more);
      extras--;
    }
  }
  // 3. The rest go, one at a time, to the eligible member holding the fewest.
  for (const k of all) {
    if (taken.has(k)) continue;
    const { topic } = parseTpKey(k);
    let best: string | null = null;
    for (const m of sorted) {
      if (!m.topics.has(topic)) continue;
      if (best === null || result[m.memberId].length < result[best].length) best = m.memberId;
    }
    if (best !== null) {
      taken.add(k);
      result[best].push(k);
    }
  }
  for (const list of Object.values(result)) list.sort(compareTpKeys);
  return result;
}

import type { InputOf } from './api-types';
import { type BrookHttp, isBrookError } from './http';

/** A small kafkajs-style admin client over the HTTP API. */
export class Admin {
  constructor(private readonly http: BrookHttp) {}

  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {}

  /** Returns false for topics that already exist (as kafkajs does), throws for other errors. */
  async createTopics({
    topics,
  }: {
    topics: Array<{ topic: string; numPartitions?: number; configEntries?: Array<{ name: string; value: string }> }>;
  }): Promise<boolean> {
    let created = true;
    for (const t of topics) {
      try {
        await this.http.mutate('topics.create', {
          name: t.topic,
          partitions: t.numPartitions ?? 1,
          configs: Object.fromEntries((t.configEntries ?? []).map((c) => [c.name, c.value])),
        });
      } catch (err) {
        if ((err as { kafkaName?: string }).kafkaName !== 'TOPIC_ALREADY_EXISTS') throw err;
        created = false;
      }
    }
    return created;
  }

  async deleteTopics({ topics }: { topics: string[] }): Promise<void> {
    for (const name of topics) await this.http.mutate('topics.delete', { name });
  }

  async listTopics(): Promise<string[]> {
    return (await this.http.query('topics.list', undefined)).map((t) => t.name);
  }

  /** Per partition: high watermark (`high`), log start (`low`), and `offset` = high, as kafkajs reports. */
  async fetchTopicOffsets(topic: string): Promise<Array<{ partition: number; offset: string; high: string; low: string }>> {
    const t = await this.http.query('topics.get', { name: topic });
    return t.partitionDetails.map((p) => ({
      partition: p.partition,
      offset: String(p.highWatermark),
      high: String(p.highWatermark),
      low: String(p.logStartOffset),
    }));
  }

  /** The topic as Brook describes it: partitions with their offsets, and its configs. */
  describeTopic(topic: string) {
    return this.http.query('topics.get', { name: topic });
  }

  describeGroup(groupId: string) {
    return this.http.query('groups.describe', { groupId });
  }

  /**
   * Moves a group's committed offsets (Kafka's `kafka-consumer-groups --reset-offsets`): only while the group
   * has no members (NON_EMPTY_GROUP otherwise). `to`: earliest, latest, a timestamp, an offset or exact positions.
   */
  resetOffsets(input: InputOf<'groups.resetOffsets'>) {
    return this.http.mutate('groups.resetOffsets', input);
  }

  /** Deletes groups with no members (their committed offsets go too); throws for the first that fails. */
  async deleteGroups(groupIds: string[]): Promise<void> {
    for (const groupId of groupIds) await this.http.mutate('groups.delete', { groupId });
  }

  /**
   * Removes members from a group on their behalf (Kafka's removeMembersFromConsumerGroup), as a leave
   * would: their partitions move at once, not after their session timeout. One already gone is skipped.
   */
  async removeGroupMembers({ groupId, memberIds }: { groupId: string; memberIds: string[] }): Promise<void> {
    for (const memberId of memberIds) {
      try {
        await this.http.mutate('groups.heartbeat', { groupId, memberId, memberEpoch: -1 });
      } catch (err) {
        if (!isBrookError(err, 'UNKNOWN_MEMBER_ID')) throw err;
      }
    }
  }

  listGroups() {
    return this.http.query('groups.list', undefined);
  }
}

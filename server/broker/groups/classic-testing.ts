import { expect } from 'vitest';
import type { Broker } from '@/server/broker';
import { isBrokerError } from '@/server/broker/errors';
import { fromTopicPartitions } from '@/server/kernel/topic-partition';
import type { ClassicJoinRequest } from './classic-types';

/** Test support for classic members (classic*.test.ts). */

const flat = fromTopicPartitions;

/**
 * A classic eager client as kafkajs and librdkafka behave: it gives up everything before rejoining,
 * joins (again after MEMBER_ID_REQUIRED), syncs, and rejoins when a heartbeat says REBALANCE_IN_PROGRESS.
 */
export class Client {
  memberId = '';
  generation = -1;
  assignment: string[] = [];
  constructor(
    readonly engine: Broker,
    readonly group: string,
    readonly topics: string[],
    readonly opts: Partial<ClassicJoinRequest> = {},
  ) {}

  joinRequest(): ClassicJoinRequest {
    return {
      memberId: this.memberId,
      requireKnownMemberId: true,
      protocolType: 'consumer',
      protocols: ['RoundRobinAssigner'],
      subscription: { version: 0, topics: this.topics },
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 30_000,
      clientId: 'kafkajs',
      clientHost: '/127.0.0.1',
      ...this.opts,
    };
  }

  /** Joins and syncs; a sync answered REBALANCE_IN_PROGRESS (someone joined meanwhile) means join again. */
  async join(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await this.joinOnce();
      } catch (e) {
        if (!isBrokerError(e, 'REBALANCE_IN_PROGRESS')) throw e;
      }
    }
    throw new Error(`${this.memberId} could not complete a join in 5 attempts`);
  }

  async joinOnce(): Promise<void> {
    this.assignment = [];
    let r = await this.engine.groups.classicJoin(this.group, this.joinRequest());
    if (r.memberIdRequired) {
      this.memberId = r.memberId;
      r = await this.engine.groups.classicJoin(this.group, this.joinRequest());
    }
    expect(r.memberIdRequired).toBe(false);
    expect(r.leader).not.toBe(r.memberId);
    this.memberId = r.memberId;
    this.generation = r.generationId;
    const s = await this.engine.groups.classicSync(this.group, {
      memberId: this.memberId,
      groupInstanceId: this.opts.groupInstanceId,
      generationId: this.generation,
      protocolType: 'consumer',
      protocolName: r.protocolName,
    });
    this.assignment = flat(s.assignment);
  }

  /** One heartbeat; on REBALANCE_IN_PROGRESS rejoins. Returns whether it had to. */
  async beat(): Promise<boolean> {
    try {
      await this.heartbeat();
      return false;
    } catch (e) {
      if (!isBrokerError(e, 'REBALANCE_IN_PROGRESS')) throw e;
      await this.join();
      return true;
    }
  }

  heartbeat() {
    return this.engine.groups.classicHeartbeat(this.group, {
      memberId: this.memberId,
      groupInstanceId: this.opts.groupInstanceId,
      generationId: this.generation,
    });
  }
}

/** No partition owned by two clients; with `complete`, every partition owned by one. */
export function expectDisjoint(clients: Client[], partitions?: number) {
  const all = clients.flatMap((c) => c.assignment);
  expect(new Set(all).size, 'a partition has two owners').toBe(all.length);
  if (partitions !== undefined) expect(all.length).toBe(partitions);
}

/** Heartbeat rounds until a whole round asks nobody to rejoin (bounded). */
export async function settle(clients: Client[], partitions: number) {
  for (let round = 0; round < 10; round++) {
    let rejoined = false;
    for (const c of clients) {
      rejoined = (await c.beat()) || rejoined;
      expectDisjoint(clients);
    }
    if (!rejoined) break;
  }
  expectDisjoint(clients, partitions);
}

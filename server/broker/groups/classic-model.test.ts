import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classicHeartbeat, classicJoin, classicLeave, classicSync } from './classic';
import type { ClassicJoinRequest } from './classic-types';
import { type CoordinatorContext, fenceExpired, groupStateName, heartbeat } from './coordinator';
import { fromTopicPartitions, type GroupState, newGroup, toTopicPartitions } from './types';

/**
 * The pure state machine under random interleavings of classic (eager) and HTTP members: at every step,
 * no partition is held by two live clients as the clients themselves see it; once the actions stop,
 * heartbeat rounds bring the group to Stable with every partition held exactly once.
 */

const PARTITIONS = 6;
const TOPIC = 't';

type Action = { kind: 'join'; who: number } | { kind: 'beat'; who: number } | { kind: 'leave'; who: number } | { kind: 'tick'; ms: number };

interface Client {
  http: boolean;
  memberId: string;
  epoch: number;
  /** What the client believes it owns. */
  holds: string[];
}

function run(actions: Action[], httpClients: number) {
  let now = 1_000_000;
  let seq = 0;
  let state: GroupState = newGroup('g', now);
  const ctx = (): CoordinatorContext => ({ now, partitionCounts: { [TOPIC]: PARTITIONS }, newMemberId: () => `m${++seq}` });
  const clients: Client[] = Array.from({ length: 4 }, (_, i) => ({ http: i < httpClients, memberId: '', epoch: -1, holds: [] }));
  const live = (c: Client) => c.memberId !== '' && state.members.some((m) => m.memberId === c.memberId);

  const classicRequest = (c: Client): ClassicJoinRequest => ({
    memberId: c.memberId,
    requireKnownMemberId: false,
    protocolType: 'consumer',
    protocols: ['range'],
    subscription: { version: 0, topics: [TOPIC] },
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000,
    clientId: 'c',
    clientHost: 'h',
  });

  function join(c: Client) {
    if (c.http) {
      const out = heartbeat(state, { memberId: c.memberId || null, memberEpoch: 0, topics: [TOPIC], sessionTimeoutMs: 10_000 }, ctx());
      state = out.state;
      if (out.result)
        Object.assign(c, {
          memberId: out.result.memberId,
          epoch: out.result.memberEpoch,
          holds: fromTopicPartitions(out.result.assignment),
        });
      return;
    }
    c.holds = []; // eager: revoke everything first
    const j = classicJoin(state, classicRequest(c), ctx());
    state = j.state;
    if (!j.result) return;
    c.memberId = j.result.memberId;
    c.epoch = j.result.generationId;
    const s = classicSync(state, { memberId: c.memberId, generationId: c.epoch }, ctx());
    state = s.state;
    if (s.result) c.holds = fromTopicPartitions(s.result.assignment);
  }

  function beat(c: Client) {
    if (!live(c)) return join(c);
    if (c.http) {
      const out = heartbeat(state, { memberId: c.memberId, memberEpoch: c.epoch, ownedPartitions: toTopicPartitions(c.holds) }, ctx());
      state = out.state;
      if (out.result) Object.assign(c, { epoch: out.result.memberEpoch, holds: fromTopicPartitions(out.result.assignment) });
      else Object.assign(c, { memberId: '', holds: [] });
      return;
    }
    const out = classicHeartbeat(state, { memberId: c.memberId, generationId: c.epoch }, ctx());
    state = out.state;
    if (out.error?.kafkaName === 'REBALANCE_IN_PROGRESS') join(c);
    else if (out.error) Object.assign(c, { memberId: '', holds: [] });
  }

  function leave(c: Client) {
    if (!live(c)) return;
    if (c.http) state = heartbeat(state, { memberId: c.memberId, memberEpoch: -1 }, ctx()).state;
    else state = classicLeave(state, [{ memberId: c.memberId }], ctx()).state;
    Object.assign(c, { memberId: '', holds: [] });
  }

  function check() {
    const held = clients.filter(live).flatMap((c) => c.holds);
    expect(new Set(held).size, `two live clients hold one partition: ${JSON.stringify(clients)}`).toBe(held.length);
  }

  for (const a of actions) {
    if (a.kind === 'tick') {
      now += a.ms;
      state = fenceExpired(state, ctx()).state;
    } else if (a.kind === 'join') join(clients[a.who]);
    else if (a.kind === 'beat') beat(clients[a.who]);
    else leave(clients[a.who]);
    check();
  }
  // Quiet rounds: everyone alive keeps heartbeating.
  for (let round = 0; round < 30; round++) {
    now += 1_000;
    for (const c of clients) if (c.memberId !== '') beat(c);
    check();
  }
  const liveClients = clients.filter(live);
  if (liveClients.length > 0) {
    expect(groupStateName(state)).toBe('Stable');
    expect(liveClients.flatMap((c) => c.holds).length).toBe(PARTITIONS);
  }
}

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), who: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('beat' as const), who: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('beat' as const), who: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('leave' as const), who: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 100, max: 25_000 }) }),
);

describe('classic and HTTP members in one group (model)', () => {
  it.each([0, 2])('with %i HTTP members among 4, no partition has two holders and the group settles', (httpClients) => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (actions) => run(actions, httpClients)),
      { numRuns: 300 },
    );
  });
});

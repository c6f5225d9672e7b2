import { describe, expect, it } from 'vitest';
import { fromTopicPartitions, parseTpKey, toTopicPartitions } from '@/server/kernel/topic-partition';
import { isBrokerError } from '../errors';
import {
  checkCommit,
  expireMembers,
  groupStateName,
  type HeartbeatRequest,
  type HeartbeatResponse,
  heartbeat,
  resumeClocks,
} from './coordinator';
import { type GroupState, newGroup } from './types';

/** Drives the pure coordinator with explicit time, as a test of the state machine alone. */
class Harness {
  state: GroupState;
  now = 1_000_000;
  private ids = 0;
  /** What each member processes: the assignment in its latest response. */
  readonly processing = new Map<string, string[]>();
  readonly epochs = new Map<string, number>();

  constructor(
    private partitionCounts: Record<string, number>,
    opts: Partial<GroupState> = {},
  ) {
    this.state = { ...newGroup('g', this.now), ...opts };
  }

  setPartitions(counts: Record<string, number>) {
    this.partitionCounts = counts;
  }

  send(req: HeartbeatRequest): HeartbeatResponse {
    const out = heartbeat(this.state, req, { now: this.now, partitionCounts: this.partitionCounts, newMemberId: () => `m${++this.ids}` });
    // The store keeps the state in a jsonb column: every heartbeat starts from what jsonb gave back.
    this.state = jsonbRoundTrip(out.state);
    if (out.error) throw out.error;
    const r = out.result!;
    if (r.memberEpoch === -1) this.processing.delete(r.memberId);
    else this.processing.set(r.memberId, flat(r.assignment));
    this.epochs.set(r.memberId, r.memberEpoch);
    this.assertNoDoubleOwnership();
    return r;
  }

  join(topics: string[], extra: Partial<HeartbeatRequest> = {}) {
    return this.send({ memberEpoch: 0, topics, clientId: 'test', ...extra });
  }

  /** A well-behaved member: reports as owned exactly what it was last given. */
  beat(memberId: string, extra: Partial<HeartbeatRequest> = {}) {
    const owned = this.processing.get(memberId) ?? [];
    return this.send({ memberId, memberEpoch: this.epochs.get(memberId)!, ownedPartitions: unflat(owned), ...extra });
  }

  /** Heartbeats every member a few rounds (they converge in two). */
  settle(members: string[], rounds = 3) {
    for (let i = 0; i < rounds; i++) for (const m of members) if (this.processing.has(m)) this.beat(m);
  }

  assertNoDoubleOwnership() {
    const seen = new Map<string, string>();
    for (const [member, parts] of this.processing) {
      for (const p of parts) {
        expect(seen.get(p), `${p} owned by ${seen.get(p)} and ${member}`).toBeUndefined();
        seen.set(p, member);
      }
    }
  }
}

/**
 * What a Postgres jsonb column returns for a JSON value: object keys ordered by length, then bytewise
 * (jsonb does not keep the order they were written in); arrays keep theirs.
 */
function jsonbRoundTrip<T>(value: T): T {
  const order = (a: string, b: string) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort(order)
        .map((k) => [k, walk(o[k])]),
    );
  };
  return walk(JSON.parse(JSON.stringify(value))) as T;
}

const flat = fromTopicPartitions;
const unflat = toTopicPartitions;

describe('group coordinator (pure, time passed in)', () => {
  it('3 members on a 6-partition topic end Stable with 2 partitions each', () => {
    const h = new Harness({ orders: 6 });
    const a = h.join(['orders']).memberId;
    expect(h.processing.get(a)).toHaveLength(6); // alone, it gets everything
    const b = h.join(['orders']).memberId;
    const c = h.join(['orders']).memberId;
    h.settle([a, b, c]);
    expect(groupStateName(h.state)).toBe('Stable');
    for (const m of [a, b, c]) expect(h.processing.get(m)).toHaveLength(2);
    expect(new Set([a, b, c].map((m) => h.epochs.get(m))).size).toBe(1);
    expect(h.epochs.get(a)).toBe(h.state.groupEpoch);
  });

  it('a 4th member on a 3-partition topic gets nothing, and the others keep theirs (sticky)', () => {
    const h = new Harness({ t: 3 });
    const ms = [h.join(['t']).memberId, h.join(['t']).memberId, h.join(['t']).memberId];
    h.settle(ms);
    const before = ms.map((m) => h.processing.get(m));
    const d = h.join(['t']).memberId;
    h.settle([...ms, d]);
    expect(h.processing.get(d)).toEqual([]);
    expect(ms.map((m) => h.processing.get(m))).toEqual(before);
    expect(groupStateName(h.state)).toBe('Stable');
  });

  it('moves a partition only after its previous owner lets go', () => {
    const h = new Harness({ t: 2 });
    const a = h.join(['t']).memberId;
    expect(h.processing.get(a)).toEqual(['t:0', 't:1']);
    const b = h.join(['t']).memberId;
    expect(h.processing.get(b)).toEqual([]); // t:1 is still a's
    // a hears it must give up one partition, but is still working on it: it reports owning both.
    h.send({ memberId: a, memberEpoch: h.epochs.get(a)!, ownedPartitions: [{ topic: 't', partitions: [0, 1] }] });
    expect(h.processing.get(a)).toEqual(['t:0']);
    expect(h.beat(b).assignment).toEqual([]); // not yet
    expect(groupStateName(h.state)).toBe('Reconciling');
    h.beat(a); // now a reports only t:0
    expect(h.beat(b).assignment).toEqual([{ topic: 't', partitions: [1] }]);
    h.settle([a, b]);
    expect(groupStateName(h.state)).toBe('Stable');
  });

  it('a member that stops heartbeating is fenced after the session timeout and its partitions move', () => {
    const h = new Harness({ t: 4 }, { sessionTimeoutMs: 10_000 });
    const a = h.join(['t']).memberId;
    const b = h.join(['t']).memberId;
    h.settle([a, b]);
    expect(h.processing.get(b)).toHaveLength(2);
    const bEpoch = h.epochs.get(b)!;
    h.processing.delete(b); // b crashes: it processes nothing more and sends no heartbeats
    for (let i = 0; i < 3; i++) {
      h.now += 3_000;
      h.beat(a);
      expect(h.processing.get(a)).toHaveLength(2); // within the session timeout b keeps its partitions
    }
    h.now += 3_000; // 12 s without a heartbeat from b
    h.beat(a);
    expect(h.processing.get(a)).toHaveLength(4);
    expect(h.state.members.map((m) => m.memberId)).toEqual([a]);
    const err = (() => {
      try {
        h.send({ memberId: b, memberEpoch: bEpoch });
      } catch (e) {
        return e;
      }
    })();
    expect(isBrokerError(err, 'UNKNOWN_MEMBER_ID')).toBe(true);
  });

  it('fences a member that will not release revoked partitions within its rebalance timeout', () => {
    const h = new Harness({ t: 2 });
    const a = h.join(['t'], { rebalanceTimeoutMs: 5_000 }).memberId;
    const b = h.join(['t']).memberId;
    const stubborn = () => h.send({ memberId: a, memberEpoch: h.epochs.get(a)!, ownedPartitions: [{ topic: 't', partitions: [0, 1] }] });
    stubborn();
    h.now += 3_000;
    stubborn();
    h.now += 3_000; // 6 s revoking: past the 5 s rebalance timeout
    h.processing.delete(a);
    expect(h.beat(b).assignment).toEqual([{ topic: 't', partitions: [0, 1] }]);
    expect(() => stubborn()).toThrow(/not in group/);
  });

  it('a heartbeat with a wrong epoch is FENCED_MEMBER_EPOCH and the zombie is removed', () => {
    const h = new Harness({ t: 2 });
    const a = h.join(['t']).memberId;
    const b = h.join(['t']).memberId;
    h.settle([a, b]);
    const out = heartbeat(h.state, { memberId: a, memberEpoch: 999 }, { now: h.now, partitionCounts: { t: 2 }, newMemberId: () => 'x' });
    expect(isBrokerError(out.error, 'FENCED_MEMBER_EPOCH')).toBe(true);
    expect(out.state.members.map((m) => m.memberId)).toEqual([b]);
  });

  it('leaving (epoch -1) hands the partitions to the others', () => {
    const h = new Harness({ t: 2 });
    const a = h.join(['t']).memberId;
    const b = h.join(['t']).memberId;
    h.settle([a, b]);
    expect(h.send({ memberId: a, memberEpoch: -1 }).memberEpoch).toBe(-1);
    expect(h.beat(b).assignment).toEqual([{ topic: 't', partitions: [0, 1] }]);
  });

  it('reassigns when partitions are added to a subscribed topic or a subscription changes', () => {
    const h = new Harness({ t: 2, u: 2 });
    const a = h.join(['t']).memberId;
    h.setPartitions({ t: 4, u: 2 });
    expect(h.beat(a).assignment).toEqual([{ topic: 't', partitions: [0, 1, 2, 3] }]);
    expect(h.beat(a, { topics: ['t', 'u'] }).assignment).toEqual([
      { topic: 't', partitions: [0, 1, 2, 3] },
      { topic: 'u', partitions: [0, 1] },
    ]);
  });

  it('remembers since when the group is empty: its last member leaving or being fenced, not before', () => {
    const h = new Harness({ t: 2 }, { sessionTimeoutMs: 10_000 });
    expect(h.state.emptySince).toBe(h.now); // a new group starts empty
    const a = h.join(['t']).memberId;
    const b = h.join(['t']).memberId;
    expect(h.state.emptySince).toBeNull();
    h.now += 1_000;
    h.send({ memberId: a, memberEpoch: -1 });
    expect(h.state.emptySince).toBeNull(); // b is still there
    h.now += 1_000;
    const left = h.now;
    h.send({ memberId: b, memberEpoch: -1 });
    expect(h.state.emptySince).toBe(left);
    const c = h.join(['t']).memberId;
    expect(h.state.emptySince).toBeNull();
    h.now += 11_000; // c goes silent and is fenced by the expiry loop
    const out = expireMembers(h.state, h.now);
    expect(out.fenced).toEqual([c]);
    expect(out.state.emptySince).toBe(h.now);
  });

  it('resumeClocks: sessions and rebalance timeouts run again from when the database answered again', () => {
    const h = new Harness({ t: 4 }, { sessionTimeoutMs: 10_000 });
    const a = h.join(['t']).memberId;
    const b = h.join(['t']).memberId;
    h.settle([a, b]);
    expect(resumeClocks(h.state, h.now - 1)).toBe(h.state); // nothing ran from before: same object
    const outageFrom = h.now;
    h.now += 15_000; // the database was away 15 s: no heartbeat could land
    const back = h.now;
    const resumed = resumeClocks(h.state, back);
    expect(resumed.members.map((m) => m.lastHeartbeat)).toEqual([back, back]);
    expect(h.state.members.every((m) => m.lastHeartbeat <= outageFrom)).toBe(true); // the input is not changed
    expect(expireMembers(h.state, back).fenced).toHaveLength(2); // without it both would be fenced at once
    expect(expireMembers(resumed, back + 9_999).fenced).toEqual([]);
    expect(expireMembers(resumed, back + 10_001).fenced).toEqual([a, b]); // a full session later, silence counts again
    // A member asked to give up partitions gets its rebalance timeout from the return, too.
    h.state = resumed;
    const c = h.join(['t']).memberId;
    h.beat(a);
    h.beat(b);
    const revoking = h.state.members.find((m) => m.revokingSince !== null);
    expect(revoking).toBeDefined();
    h.now += 20_000;
    const again = resumeClocks(h.state, h.now);
    for (const m of again.members) if (m.revokingSince !== null) expect(m.revokingSince).toBe(h.now);
    expect(expireMembers(again, h.now + 1).fenced).toEqual([]);
    expect(c).toBeTruthy();
  });

  it('range assignor gives contiguous ranges per topic', () => {
    const h = new Harness({ t: 5 });
    const a = h.join(['t'], { assignor: 'range', memberId: 'a' }).memberId;
    const b = h.join(['t'], { memberId: 'b' }).memberId;
    h.settle([a, b]);
    expect(h.processing.get(a)).toEqual(['t:0', 't:1', 't:2']);
    expect(h.processing.get(b)).toEqual(['t:3', 't:4']);
  });

  it('rejects bad joins: no topics, unknown assignor, silly session timeout', () => {
    const h = new Harness({ t: 1 });
    expect(() => h.send({ memberEpoch: 0, topics: [] })).toThrow(/topics/);
    expect(() => h.join(['t'], { assignor: 'roundrobin' as never })).toThrow(/Assignor/);
    expect(() => h.join(['t'], { sessionTimeoutMs: 5 })).toThrow(/sessionTimeoutMs/);
    expect(h.state.members).toEqual([]);
  });

  describe('commits', () => {
    it('accepts the owner at its epoch, refuses others, zombies and stale epochs', () => {
      const h = new Harness({ t: 2 }, { sessionTimeoutMs: 10_000 });
      const a = h.join(['t']).memberId;
      const b = h.join(['t']).memberId;
      h.settle([a, b]);
      const [pa] = h.processing.get(a)!;
      const [pb] = h.processing.get(b)!;
      const ok = checkCommit(h.state, { memberId: a, memberEpoch: h.epochs.get(a)!, partitions: [pa] }, h.now);
      expect(ok.error).toBeUndefined();
      const foreign = checkCommit(h.state, { memberId: a, memberEpoch: h.epochs.get(a)!, partitions: [pb] }, h.now);
      expect(isBrokerError(foreign.error, 'STALE_MEMBER_EPOCH')).toBe(true);
      const stale = checkCommit(h.state, { memberId: a, memberEpoch: 0, partitions: [pa] }, h.now);
      expect(isBrokerError(stale.error, 'STALE_MEMBER_EPOCH')).toBe(true);
      const anonymous = checkCommit(h.state, { partitions: [pa] }, h.now);
      expect(isBrokerError(anonymous.error, 'UNKNOWN_MEMBER_ID')).toBe(true);
      // a stops heartbeating; 11 s later its commit is refused: it has been fenced.
      h.now += 11_000;
      const zombie = checkCommit(h.state, { memberId: a, memberEpoch: h.epochs.get(a)!, partitions: [pa] }, h.now);
      expect(isBrokerError(zombie.error, 'UNKNOWN_MEMBER_ID')).toBe(true);
    });

    it('accepts a commit without a member id only while the group is empty', () => {
      const h = new Harness({ t: 1 });
      expect(checkCommit(h.state, { partitions: ['t:0'] }, h.now).error).toBeUndefined();
    });
  });

  it('expireMembers leaves a live group untouched (same object)', () => {
    const h = new Harness({ t: 1 });
    h.join(['t']);
    expect(expireMembers(h.state, h.now).state).toBe(h.state);
  });

  describe('multi-topic subscriptions settle: the epoch stops rising once reconciled', () => {
    // Name lengths and alphabetical order disagree (jsonb sorts keys by length first): "clickstream" > "orders".
    const counts = { clickstream: 4, orders: 3, 'sensor-frames': 2, ab: 1 };
    const permutations = (xs: string[]): string[][] =>
      xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    const rotate = (xs: string[], n: number) => xs.map((_, i) => xs[(i + n) % xs.length]);

    /** Heartbeats until Stable, then several more rounds: nothing may move any more. */
    function expectSettles(h: Harness, members: string[], subscribed: string[]) {
      let rounds = 0;
      while (groupStateName(h.state) !== 'Stable' && rounds++ < 10) h.settle(members, 1);
      expect(groupStateName(h.state)).toBe('Stable');
      const epoch = h.state.groupEpoch;
      const epochs = members.map((m) => h.epochs.get(m));
      const owned = members.map((m) => h.processing.get(m));
      for (let i = 0; i < 5; i++) {
        h.now += 1_000;
        h.settle(members, 1);
        expect(h.state.groupEpoch, `group epoch after ${i + 1} more round(s)`).toBe(epoch);
        expect(groupStateName(h.state)).toBe('Stable');
      }
      expect(members.map((m) => h.epochs.get(m))).toEqual(epochs);
      expect(members.map((m) => h.processing.get(m))).toEqual(owned);
      const total = subscribed.reduce((n, t) => n + counts[t as keyof typeof counts], 0);
      expect(owned.flat()).toHaveLength(total);
    }

    const sets = [
      ['clickstream', 'orders'],
      ['orders', 'sensor-frames'],
      ['ab', 'clickstream', 'orders'],
      ['clickstream', 'orders', 'sensor-frames'],
    ];
    const cases = sets.flatMap((set) => permutations(set).flatMap((order) => [1, 2, 3].map((n) => [order.join(','), n] as const)));
    it.each(cases)('topics [%s] joined by %i member(s), each naming them in another order', (names, n) => {
      const order = names.split(',');
      const h = new Harness(counts);
      const members = Array.from({ length: n }, (_, i) => h.join(rotate(order, i)).memberId);
      expectSettles(h, members, order);
    });

    it.each([
      [[['orders', 'clickstream'], ['clickstream'], ['sensor-frames', 'orders']]],
      [[['orders'], ['clickstream', 'ab']]],
      [[['sensor-frames', 'clickstream', 'orders'], ['orders', 'ab'], ['clickstream']]],
    ])('members with different subscriptions %j', (subscriptions) => {
      const h = new Harness(counts);
      const members = subscriptions.map((topics) => h.join(topics).memberId);
      expectSettles(h, members, [...new Set(subscriptions.flat())]);
      for (const [i, m] of members.entries()) {
        for (const k of h.processing.get(m)!) expect(subscriptions[i]).toContain(parseTpKey(k).topic);
      }
    });

    it('a member that changes its subscription to the same topics in another order causes no rebalance', () => {
      const h = new Harness(counts);
      const a = h.join(['orders', 'clickstream']).memberId;
      const b = h.join(['clickstream', 'orders']).memberId;
      expectSettles(h, [a, b], ['clickstream', 'orders']);
      const epoch = h.state.groupEpoch;
      h.beat(a, { topics: ['clickstream', 'orders'] });
      h.beat(b, { topics: ['orders', 'clickstream', 'orders'] });
      expect(h.state.groupEpoch).toBe(epoch);
    });

    it('a partition added to one of the topics bumps the epoch once, then it settles again', () => {
      const h = new Harness(counts);
      const a = h.join(['orders', 'clickstream']).memberId;
      const b = h.join(['clickstream', 'orders']).memberId;
      expectSettles(h, [a, b], ['clickstream', 'orders']);
      const epoch = h.state.groupEpoch;
      h.setPartitions({ ...counts, orders: 5 });
      h.beat(a);
      expect(h.state.groupEpoch).toBe(epoch + 1);
      let rounds = 0;
      while (groupStateName(h.state) !== 'Stable' && rounds++ < 10) h.settle([a, b], 1);
      const settled = h.state.groupEpoch;
      h.settle([a, b], 4);
      expect(h.state.groupEpoch).toBe(settled);
      expect([a, b].flatMap((m) => h.processing.get(m)!)).toHaveLength(9);
    });
  });

  it('stays consistent under a random schedule of joins, leaves, silences and heartbeats', () => {
    const h = new Harness({ a: 5, b: 3 }, { sessionTimeoutMs: 5_000 });
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alive = new Set<string>();
    for (let step = 0; step < 2_000; step++) {
      h.now += Math.floor(rand() * 700);
      const r = rand();
      if (r < 0.08 || alive.size === 0) {
        alive.add(h.join(rand() < 0.5 ? ['a'] : ['a', 'b']).memberId);
      } else if (r < 0.12) {
        const m = [...alive][Math.floor(rand() * alive.size)];
        alive.delete(m);
        h.send({ memberId: m, memberEpoch: -1 });
      } else if (r < 0.15) {
        const m = [...alive][Math.floor(rand() * alive.size)];
        alive.delete(m); // goes silent: it stops processing now, the coordinator notices later
        h.processing.delete(m);
      } else {
        for (const m of [...alive]) {
          try {
            h.beat(m);
          } catch (e) {
            if (!isBrokerError(e, 'UNKNOWN_MEMBER_ID')) throw e;
            alive.delete(m);
            h.processing.delete(m);
          }
        }
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../checker';
import { encodeRecord } from '../record-codec';
import { checkKafka, type GroupObs, type KafkaObservations, type ProducerObs } from './checker';

const T0 = 1_700_000_000_000;

/**
 * A clean run: producer `idem` (idempotent) sent the ids given per partition, in the order listed
 * (partition 0's first, then partition 1's...), each acknowledged 10 ms after the one before; one group
 * `g` of two members processed everything and committed each partition's end; one recovery at T0 + 5,
 * answered by the acknowledgement at T0 + 10.
 */
function scenario(partitions: string[][]): KafkaObservations {
  const log: LogRecord[] = partitions.flatMap((ids, partition) =>
    ids.map((id, offset) => ({ partition, offset, ...encodeRecord(id, 'x') })),
  );
  const producer: ProducerObs = {
    name: 'idem',
    idempotent: true,
    sent: log.map((r) => r.key!),
    acks: log.map((r, i) => ({ id: r.key!, partition: r.partition, offset: r.offset, t: T0 + 10 * (i + 1) })),
    deliveryFailures: 0,
    fatal: [],
  };
  const group: GroupObs = {
    name: 'g',
    processed: log.map((r, i) => ({
      member: `m${r.partition % 2}`,
      partition: r.partition,
      offset: r.offset,
      id: r.key,
      t: T0 + 1000 + i,
    })),
    commits: partitions.map((ids, partition) => ({ member: `m${partition % 2}`, partition, offset: ids.length, t: T0 + 5000 })),
    finalCommitted: partitions.map((ids, partition) => ({ partition, offset: ids.length })),
    members: [
      { member: 'm0', alive: true, assigned: partitions.map((_, p) => p).filter((p) => p % 2 === 0) },
      { member: 'm1', alive: true, assigned: partitions.map((_, p) => p).filter((p) => p % 2 === 1) },
    ],
    brookMembers: 2,
    fatal: [],
  };
  return {
    log,
    partitions: partitions.map((ids, partition) => ({ partition, logStartOffset: 0, highWatermark: ids.length })),
    producers: [producer],
    groups: [group],
    recoveries: [{ kind: 'stop-fast-2s', backAt: T0 + 5 }],
    firstAckBoundMs: 2000,
  };
}

const withProducer = (obs: KafkaObservations, change: Partial<ProducerObs>): KafkaObservations => ({
  ...obs,
  producers: [{ ...obs.producers[0], ...change }],
});
const withGroup = (obs: KafkaObservations, change: Partial<GroupObs>): KafkaObservations => ({
  ...obs,
  groups: [{ ...obs.groups[0], ...change }],
});

describe('Kafka chaos checker', () => {
  it('passes a clean run and counts what it saw', () => {
    const v = checkKafka(
      scenario([
        ['a', 'b', 'c'],
        ['d', 'e'],
      ]),
    );
    expect(v.failures).toEqual([]);
    expect(v.log).toEqual({ records: 5, gaps: 0, corrupted: 0 });
    expect(v.producers[0].counts).toMatchObject({ sent: 5, acknowledged: 5, lost: 0, duplicated: 0, outOfOrder: 0, firstAckMs: [5] });
    expect(v.groups[0].counts).toMatchObject({ processed: 5, unprocessed: 0, skippingCommits: 0, membersOut: 0, brookMembers: 2 });
  });

  it('finds an acknowledged record that is not in the log, and one acknowledged at another offset', () => {
    const obs = scenario([['a', 'b']]);
    const acks = [...obs.producers[0].acks, { id: 'z', partition: 0, offset: 2, t: T0 + 50 }];
    acks[0] = { ...acks[0], offset: 1 };
    const v = checkKafka(withProducer(obs, { sent: ['a', 'b', 'z'], acks }));
    expect(v.producers[0].counts).toMatchObject({ lost: 1, misplaced: 1 });
    expect(v.failures.join('\n')).toMatch(/idem: acknowledged records not in the log \(1\)/);
    expect(v.examples.join('\n')).toMatch(/idem lost: z acknowledged at 0:2 \(.*Z\); the log holds nothing there/);
  });

  it('fails a duplicate of an idempotent producer, and only counts one of a non-idempotent producer', () => {
    const obs = scenario([['a', 'b', 'a']]);
    const sent = ['a', 'b'];
    const acks = obs.producers[0].acks.slice(0, 2);
    const idem = checkKafka(withProducer(withGroup(obs, {}), { sent, acks }));
    expect(idem.producers[0].counts.duplicated).toBe(1);
    expect(idem.failures.join('\n')).toMatch(/idem: duplicated records \(an idempotent producer\) \(1\)/);
    expect(idem.examples).toContain('idem duplicated: a at 0:0, 0:2');
    const plain = checkKafka(withProducer(obs, { sent, acks, idempotent: false, name: 'plain' }));
    expect(plain.producers[0].counts.duplicated).toBe(1);
    expect(plain.failures).toEqual([]);
  });

  it('fails records of an idempotent producer out of send order within a partition, not across partitions', () => {
    // Sent a, b, c, d; the log holds b before a in partition 0 (c, d in partition 1 are fine).
    const obs = scenario([
      ['b', 'a'],
      ['c', 'd'],
    ]);
    const v = checkKafka(withProducer(obs, { sent: ['a', 'b', 'c', 'd'] }));
    expect(v.producers[0].counts.outOfOrder).toBe(1);
    expect(v.examples).toContain('idem out of order: a at 0:1, after b (sent later) at 0:0');
    expect(v.failures).toHaveLength(1);
    // Interleaved sends across partitions are in order: a (p0), c (p1), b (p0), d (p1).
    expect(
      checkKafka(
        withProducer(
          scenario([
            ['a', 'b'],
            ['c', 'd'],
          ]),
          { sent: ['a', 'c', 'b', 'd'] },
        ),
      ).failures,
    ).toEqual([]);
    // Allowed (counted) for a non-idempotent producer.
    const plain = checkKafka(withProducer(obs, { sent: ['a', 'b', 'c', 'd'], idempotent: false }));
    expect(plain.producers[0].counts.outOfOrder).toBe(1);
    expect(plain.failures).toEqual([]);
  });

  it("takes an intact record with a producer's id prefix as its own though it never reported sending it", () => {
    // The client died after sending p.2 and p.3 without reporting them; q.0 has no producer.
    const obs = scenario([['p.0', 'p.1', 'p.3', 'p.2', 'q.0']]);
    const v = checkKafka(withProducer(obs, { name: 'p', sent: ['p.0', 'p.1'], idPrefix: 'p.', acks: obs.producers[0].acks.slice(0, 2) }));
    expect(v.log.corrupted).toBe(1);
    expect(v.examples.join('\n')).toMatch(/corrupted: 0:4: .*q\.0/);
    expect(v.producers[0].counts).toMatchObject({ unacknowledgedPresent: 2, outOfOrder: 1 });
    expect(v.examples).toContain('p out of order: p.2 at 0:3, after p.3 (sent later) at 0:2');
  });

  it('finds a damaged record, a record nobody sent and an offset gap', () => {
    const obs = scenario([['a', 'b', 'c', 'd']]);
    const log = obs.log
      .filter((r) => r.offset !== 2)
      .map((r) => (r.offset === 0 ? { ...r, value: r.value!.replace('"pad":"x"', '"pad":"y"') } : r));
    log.push({ partition: 0, offset: 4, ...encodeRecord('ghost', 'x') });
    const acks = obs.producers[0].acks.filter((a) => a.offset !== 2);
    const v = checkKafka({
      ...withProducer(obs, { acks }),
      log,
      partitions: [{ partition: 0, logStartOffset: 0, highWatermark: 5 }],
    });
    expect(v.log).toEqual({ records: 4, gaps: 1, corrupted: 2 });
    expect(v.failures.join('\n')).toMatch(/offsets missing below the high watermark \(1\)/);
    expect(v.failures.join('\n')).toMatch(/damaged or sent by nobody \(2\)/);
  });

  it('fails fatal client errors and records the client gave up on', () => {
    const obs = scenario([['a', 'b']]);
    const v = checkKafka(
      withGroup(withProducer(obs, { fatal: ['_FATAL: OUT_OF_ORDER_SEQUENCE_NUMBER'], deliveryFailures: 3 }), {
        fatal: ['m1: CRASH KafkaJSNonRetriableError (restart: false)'],
      }),
    );
    expect(v.producers[0].counts).toMatchObject({ fatal: 1, deliveryFailures: 3 });
    expect(v.groups[0].counts.fatal).toBe(1);
    expect(v.failures).toHaveLength(3);
    expect(v.examples).toContain('idem fatal: _FATAL: OUT_OF_ORDER_SEQUENCE_NUMBER');
  });

  it('fails a first acknowledgement after a recovery later than the bound, or none at all', () => {
    const obs = scenario([['a', 'b', 'c']]);
    const recoveries = [
      { kind: 'fast', backAt: T0 + 5 }, // first ack at T0 + 10: 5 ms
      { kind: 'slow', backAt: T0 - 2500 }, // 2,510 ms
      { kind: 'never', backAt: T0 + 100 }, // no ack after it
    ];
    const v = checkKafka({ ...obs, recoveries });
    expect(v.producers[0].counts.firstAckMs).toEqual([5, 2510, null]);
    expect(v.producers[0].counts.slowRecoveries).toBe(2);
    expect(v.examples.join('\n')).toMatch(/slow recovery: slow .* first acknowledgement after 2510 ms/);
    expect(v.examples.join('\n')).toMatch(/slow recovery: never .* no acknowledgement after it/);
    expect(checkKafka({ ...obs, recoveries, firstAckBoundMs: 3000 }).producers[0].counts.slowRecoveries).toBe(1);
  });

  it("does not count an acknowledgement after the next fault struck as the earlier recovery's", () => {
    const obs = scenario([['a', 'b', 'c']]); // acknowledged at T0 + 10, 20, 30
    const recoveries = [
      { kind: 'restart', backAt: T0 + 5, until: T0 + 8 }, // the next fault struck before the first ack
      { kind: 'stop', backAt: T0 + 9 },
    ];
    const v = checkKafka({ ...obs, recoveries });
    expect(v.producers[0].counts.firstAckMs).toEqual([null, 1]);
    expect(v.examples.join('\n')).toMatch(/restart .* no acknowledgement before the next fault, 3 ms later/);
  });

  it('fails records the group never processed, and processings of records the log does not hold', () => {
    const obs = scenario([['a', 'b', 'c']]);
    const processed = [obs.groups[0].processed[0], { ...obs.groups[0].processed[1], id: 'other' }];
    const v = checkKafka(withGroup(obs, { processed }));
    expect(v.groups[0].counts).toMatchObject({ unprocessed: 2, processedNotInLog: 1, unprocessedBelowCommit: 2 });
    expect(v.examples).toContain('g processed-not-in-log: 0:1 by m0: id other, the log holds b');
  });

  it('counts repeats as allowed (at least once)', () => {
    const obs = scenario([['a', 'b']]);
    const again = obs.groups[0].processed.map((p) => ({ ...p, member: 'm1', t: p.t + 100 }));
    const v = checkKafka(withGroup(obs, { processed: [...obs.groups[0].processed, ...again] }));
    expect(v.groups[0].counts.processedTwice).toBe(2);
    expect(v.failures).toEqual([]);
  });

  it('fails a commit beyond what the group had processed by then, though everything was processed later', () => {
    const obs = scenario([['a', 'b', 'c', 'd']]);
    const processed = obs.groups[0].processed; // at T0 + 1000 .. T0 + 1003
    const commits = [
      { member: 'm0', partition: 0, offset: 2, t: T0 + 1001 }, // offsets 0 and 1 processed by then: fine
      { member: 'm0', partition: 0, offset: 4, t: T0 + 1002 }, // only up to offset 2: skips offset 3
      { member: 'm1', partition: 0, offset: 1, t: T0 + 999 }, // nothing processed yet: skips offset 0
      { member: 'm1', partition: 0, offset: 0, t: T0 }, // nothing to skip
    ];
    const v = checkKafka(withGroup(obs, { processed, commits }));
    expect(v.groups[0].counts).toMatchObject({ commits: 4, skippingCommits: 2 });
    expect(v.failures.join('\n')).toMatch(/g: commits beyond what the group had processed \(2\)/);
    expect(v.examples.join('\n')).toMatch(/m0 committed 0:4 at .*, the group had processed up to offset 2/);
  });

  it('fails a final commit below the end, and one beyond what was processed', () => {
    const obs = scenario([['a', 'b', 'c'], ['d']]);
    const processed = obs.groups[0].processed.filter((p) => !(p.partition === 0 && p.offset === 2));
    const v = checkKafka(
      withGroup(obs, {
        processed,
        finalCommitted: [
          { partition: 0, offset: 3 },
          { partition: 1, offset: 0 },
        ],
      }),
    );
    expect(v.groups[0].counts).toMatchObject({ unprocessedBelowCommit: 1, commitsNotAtEnd: 1, unprocessed: 1 });
    expect(v.examples).toContain('g final commit: partition 1 committed at 0, high watermark 1');
  });

  it('fails a member that died or holds no partition at the end, partitions owned twice or not at all, and a short member list', () => {
    const obs = scenario([['a'], ['b'], ['c']]);
    const v = checkKafka(
      withGroup(obs, {
        members: [
          { member: 'm0', alive: true, assigned: [0, 1] },
          { member: 'm1', alive: true, assigned: [] },
          { member: 'm2', alive: false, assigned: [1, 2] },
        ],
        brookMembers: 2,
      }),
    );
    expect(v.groups[0].counts).toMatchObject({ membersOut: 2, partitionsMisowned: 1, brookMembers: 2, members: 3 });
    expect(v.examples).toContain('g member out: m1: no partition assigned at the end');
    expect(v.examples).toContain('g member out: m2: not alive at the end');
    expect(v.examples).toContain('g ownership: partition 2 owned by no member at the end');
    expect(v.failures.join('\n')).toMatch(/Brook lists 2 members at the end, the harness runs 3/);
  });

  it('lets a member hold nothing when there are fewer partitions than members', () => {
    const obs = scenario([['a', 'b']]);
    const v = checkKafka(
      withGroup(obs, {
        members: [
          { member: 'm0', alive: true, assigned: [0] },
          { member: 'm1', alive: true, assigned: [] },
        ],
      }),
    );
    expect(v.failures).toEqual([]);
  });
});

import fc from 'fast-check';
// kafkajs's own encoders are the oracle for the bytes a kafkajs member sends and expects.
import { AssignerProtocol } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isBrokerError } from '@/server/broker/errors';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './consumer-protocol';

const { MemberAssignment, MemberMetadata } = AssignerProtocol;
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('ConsumerProtocolSubscription', () => {
  it('reads what kafkajs writes (v0: topics, userData)', () => {
    const bytes = MemberMetadata.encode({ version: 0, topics: ['orders', 'payments'], userData: Buffer.from('hi') });
    expect(decodeSubscription(bytes)).toEqual({
      version: 0,
      topics: ['orders', 'payments'],
      userData: Buffer.from('hi'),
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
    });
    expect(encodeSubscription({ version: 0, topics: ['orders', 'payments'], userData: Buffer.from('hi') })).toEqual(bytes);
  });

  it('reads v3 as the Java client and librdkafka write it (owned partitions, generation, rack)', () => {
    // version 3 | topics ["t"] | userData null | owned [{t, [0, 2]}] | generation 7 | rack "r1"
    const bytes = hex(`0003 00000001 0001 74 ffffffff 00000001 0001 74 00000002 00000000 00000002 00000007 0002 7231`);
    const s = decodeSubscription(bytes);
    expect(s).toEqual({
      version: 3,
      topics: ['t'],
      userData: null,
      ownedPartitions: [{ topic: 't', partitions: [0, 2] }],
      generationId: 7,
      rackId: 'r1',
    });
    expect(encodeSubscription(s)).toEqual(bytes);
  });

  it('reads v1 as librdkafka 1.5-2.1 writes it (empty userData, owned partitions)', () => {
    // version 1 | topics ["t"] | userData "" | owned []  (rd_kafka_consumer_protocol_member_metadata_new)
    const bytes = hex('0001 00000001 0001 74 00000000 00000000');
    expect(decodeSubscription(bytes)).toEqual({
      version: 1,
      topics: ['t'],
      userData: Buffer.alloc(0),
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
    });
  });

  it('reads a version above 3 with the v3 layout and ignores what follows', () => {
    const v3 = encodeSubscription({ version: 3, topics: ['a'], generationId: 2, rackId: null });
    const v9 = Buffer.concat([hex('0009'), v3.subarray(2), hex('deadbeef')]);
    expect(decodeSubscription(v9)).toMatchObject({ version: 9, topics: ['a'], generationId: 2 });
  });

  it('gives defaults to optional fields a v1+ body leaves out', () => {
    const bytes = Buffer.concat([hex('0002'), MemberMetadata.encode({ version: 0, topics: ['x'], userData: Buffer.alloc(0) }).subarray(2)]);
    expect(decodeSubscription(bytes)).toMatchObject({ version: 2, topics: ['x'], ownedPartitions: [], generationId: -1 });
  });

  it('round-trips every version', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 5 }),
        fc.option(fc.uint8Array({ maxLength: 16 })),
        fc.array(
          fc.record({ topic: fc.string({ maxLength: 10 }), partitions: fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 4 }) }),
          {
            maxLength: 3,
          },
        ),
        fc.integer({ min: -1, max: 1000 }),
        fc.option(fc.string({ maxLength: 8 })),
        (version, topics, userData, owned, generationId, rackId) => {
          const s = decodeSubscription(encodeSubscription({ version, topics, userData, ownedPartitions: owned, generationId, rackId }));
          expect(s.topics).toEqual(topics);
          expect(s.userData === null ? null : [...s.userData]).toEqual(userData === null ? null : [...userData]);
          expect(s.ownedPartitions).toEqual(version >= 1 ? owned : []);
          expect(s.generationId).toBe(version >= 2 ? generationId : -1);
          expect(s.rackId).toBe(version >= 3 ? rackId : null);
        },
      ),
    );
  });
});

describe('ConsumerProtocolAssignment', () => {
  it('writes what kafkajs reads, byte for byte with its encoder', () => {
    const assignedPartitions = [
      { topic: 'orders', partitions: [0, 3] },
      { topic: 'payments', partitions: [1] },
    ];
    const ours = encodeAssignment({ version: 0, assignedPartitions, userData: Buffer.alloc(0) });
    const theirs = MemberAssignment.encode({ version: 0, assignment: { orders: [0, 3], payments: [1] }, userData: Buffer.alloc(0) });
    expect(ours).toEqual(theirs);
    expect(MemberAssignment.decode(encodeAssignment({ version: 1, assignedPartitions }))).toEqual({
      version: 1,
      assignment: { orders: [0, 3], payments: [1] },
      userData: null,
    });
    expect(decodeAssignment(theirs)).toEqual({ version: 0, assignedPartitions, userData: Buffer.alloc(0) });
  });

  it('writes an empty assignment a client can read', () => {
    const empty = encodeAssignment({ version: 3, assignedPartitions: [] });
    expect(empty).toEqual(hex('0003 00000000 ffffffff'));
    expect(MemberAssignment.decode(empty)).toEqual({ version: 3, assignment: {}, userData: null });
  });

  it('refuses versions it cannot write', () => {
    expect(() => encodeAssignment({ version: 4, assignedPartitions: [] })).toThrow(/version 4/);
    expect(() => encodeSubscription({ version: -1, topics: [] })).toThrow(/version -1/);
  });
});

describe('garbage', () => {
  const clean = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(isBrokerError(e, 'INCONSISTENT_GROUP_PROTOCOL'), String(e)).toBe(true);
    }
  };

  it('truncations of a valid body fail cleanly, never with a RangeError', () => {
    const full = encodeSubscription({
      version: 3,
      topics: ['alpha', 'beta'],
      userData: Buffer.from('u'),
      ownedPartitions: [{ topic: 'alpha', partitions: [1] }],
      generationId: 4,
      rackId: 'r',
    });
    // Cuts inside the v0 part must fail; cuts at a later field's boundary may read as defaults.
    expect(() => decodeSubscription(full.subarray(0, 5))).toThrow(/Malformed ConsumerProtocolSubscription/);
    for (let n = 0; n < full.length; n++) clean(() => decodeSubscription(full.subarray(0, n)));
    const a = encodeAssignment({ version: 0, assignedPartitions: [{ topic: 'alpha', partitions: [1, 2] }] });
    for (let n = 0; n < a.length; n++) clean(() => decodeAssignment(a.subarray(0, n)));
  });

  it('huge counts and lengths, negative lengths and bad UTF-8 are refused', () => {
    expect(() => decodeSubscription(hex('0000 7fffffff'))).toThrow(/topics/);
    expect(() => decodeSubscription(hex('0000 00000001 fffe'))).toThrow(/length -2/);
    expect(() => decodeSubscription(hex('0000 00000001 0001 ff ffffffff'))).toThrow(/UTF-8/);
    expect(() => decodeSubscription(hex('0000 00000000 7ffffff0'))).toThrow(/userData/);
    expect(() => decodeAssignment(hex('ffff'))).toThrow(/version -1/);
  });

  it('random bytes never throw anything but the protocol error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        clean(() => decodeSubscription(bytes));
        clean(() => decodeAssignment(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});

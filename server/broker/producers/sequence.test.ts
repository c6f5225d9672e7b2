import { describe, expect, it } from 'vitest';
import { afterAppend, checkBatch, incrementSequence, MAX_SEQUENCE, type ProducerState } from './sequence';

const P = 7;
const batch = (producerEpoch: number, baseSequence: number) => ({ producerId: P, producerEpoch, baseSequence });

/** Runs batches of `count` records through the state machine as the append transaction does. */
function run(batches: Array<[epoch: number, seq: number, count: number]>, start?: ProducerState, firstOffset = 0) {
  let state = start;
  let next = firstOffset;
  const verdicts = batches.map(([e, s, n]) => {
    const v = checkBatch(state, batch(e, s), n);
    if (v.kind === 'append') {
      state = afterAppend(state, batch(e, s), n, next, 0);
      next += n;
      return next - n;
    }
    return v.kind === 'duplicate' ? `dup@${v.baseOffset}` : v.error.kafkaName;
  });
  return { verdicts, state };
}

describe('idempotent producer sequence rules (Kafka ProducerAppendInfo)', () => {
  it('wraps sequences at 2^31-1 to 0', () => {
    expect(incrementSequence(5, 3)).toBe(8);
    expect(incrementSequence(MAX_SEQUENCE, 1)).toBe(0);
    expect(incrementSequence(MAX_SEQUENCE - 1, 3)).toBe(1);
    const { verdicts } = run([
      [0, MAX_SEQUENCE - 1, 2],
      [0, 0, 1],
      [0, 1, 1],
    ]);
    expect(verdicts).toEqual([0, 2, 3]);
  });

  it('accepts in-order batches, answers retries of the last 5 with their offsets, refuses gaps and older ones', () => {
    const six: Array<[number, number, number]> = Array.from({ length: 6 }, (_, i) => [0, i * 2, 2]);
    const { verdicts, state } = run(six);
    expect(verdicts).toEqual([0, 2, 4, 6, 8, 10]);
    expect(state?.batches).toHaveLength(5);
    // Batches 2-6 are kept; batch 1 is forgotten: its retry is out of sequence, as in Kafka.
    expect(
      run(
        [
          [0, 2, 2],
          [0, 10, 2],
          [0, 0, 2],
        ],
        state,
      ).verdicts,
    ).toEqual(['dup@2', 'dup@10', 'OUT_OF_ORDER_SEQUENCE_NUMBER']);
    // Same first sequence, different last: not a duplicate.
    expect(run([[0, 10, 3]], state).verdicts).toEqual(['OUT_OF_ORDER_SEQUENCE_NUMBER']);
    expect(run([[0, 13, 1]], state).verdicts).toEqual(['OUT_OF_ORDER_SEQUENCE_NUMBER']);
    expect(run([[0, 12, 1]], state, 12).verdicts).toEqual([12]);
  });

  it('fences older epochs; a new epoch starts at 0 and forgets the old batches', () => {
    const { state } = run([[3, 0, 1]]);
    expect(run([[2, 1, 1]], state).verdicts).toEqual(['INVALID_PRODUCER_EPOCH']);
    expect(run([[4, 5, 1]], state).verdicts).toEqual(['OUT_OF_ORDER_SEQUENCE_NUMBER']);
    const bumped = run([[4, 0, 1]], state);
    expect(bumped.verdicts).toEqual([0]);
    expect(bumped.state).toMatchObject({ producerEpoch: 4, lastSequence: 0, batches: [{ firstSequence: 0, lastSequence: 0 }] });
  });

  it('accepts a producer it has no state for at any sequence (new, or expired)', () => {
    expect(run([[0, 42, 3]]).verdicts).toEqual([0]);
    expect(
      run([
        [0, 42, 3],
        [0, 45, 1],
      ]).verdicts,
    ).toEqual([0, 3]);
  });
});

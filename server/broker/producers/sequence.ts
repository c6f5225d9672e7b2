import type { ProducerBatchMeta } from '@/db/schema';
import { BrokerError } from '../errors';

/**
 * Kafka's idempotent-producer rules for one partition (ProducerStateManager / ProducerAppendInfo in
 * apache/kafka), as a pure state machine: the append transaction loads the state under the partition's
 * watermark row lock, runs each batch through `checkBatch`, and stores what `afterAppend` returns.
 */

/** Sequences are int32 and wrap from 2^31-1 to 0, as Kafka's do. */
export const MAX_SEQUENCE = 2 ** 31 - 1;
/** Epochs are int16. */
export const MAX_EPOCH = 32767;
/** Kafka keeps the last 5 batches per producer (max.in.flight.requests.per.connection ≤ 5 with idempotence). */
export const BATCHES_KEPT = 5;

/** The producer fields of one Kafka record batch. */
export interface ProducerFields {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

export interface ProducerState {
  producerEpoch: number;
  lastSequence: number;
  /** Oldest first, at most BATCHES_KEPT, all of `producerEpoch`. */
  batches: ProducerBatchMeta[];
}

export type Verdict = { kind: 'append' } | { kind: 'duplicate'; baseOffset: number } | { kind: 'reject'; error: BrokerError };

/** `seq` moved on by `by`, wrapping past 2^31-1 to 0 (DefaultRecordBatch.incrementSequence). */
export function incrementSequence(seq: number, by: number): number {
  return seq > MAX_SEQUENCE - by ? by - (MAX_SEQUENCE - seq) - 1 : seq + by;
}

/** The sequence of a batch's last record. */
export const lastSequenceOf = (b: ProducerFields, count: number) => incrementSequence(b.baseSequence, count - 1);

const inSequence = (last: number, next: number) => next === last + 1 || (next === 0 && last === MAX_SEQUENCE);

/** Whether the producer fields are in Kafka's ranges (a Kafka codec hands whatever the client sent). */
export function validProducerFields(b: ProducerFields): boolean {
  return (
    Number.isSafeInteger(b.producerId) &&
    b.producerId >= 0 &&
    Number.isInteger(b.producerEpoch) &&
    b.producerEpoch >= 0 &&
    b.producerEpoch <= MAX_EPOCH &&
    Number.isInteger(b.baseSequence) &&
    b.baseSequence >= 0 &&
    b.baseSequence <= MAX_SEQUENCE
  );
}

/**
 * What to do with a batch of `count` records, given the producer's state on the partition (undefined:
 * none kept). Kafka ≥ 2.5 semantics: a duplicate of a kept batch (same epoch, first and last sequence) is
 * answered with its offsets; an older epoch is fenced (INVALID_PRODUCER_EPOCH, what a partition leader
 * answers; PRODUCER_FENCED is the transaction coordinator's); a newer epoch must start at sequence 0; in
 * the same epoch the batch must follow the last sequence. A producer without state (new, or its state
 * expired after producer.id.expiration.ms) is accepted at any sequence rather than UNKNOWN_PRODUCER_ID,
 * as Kafka does since KIP-360, so a quiet producer is not failed for being forgotten.
 */
export function checkBatch(state: ProducerState | undefined, b: ProducerFields, count: number): Verdict {
  if (!state) return { kind: 'append' };
  const last = lastSequenceOf(b, count);
  if (b.producerEpoch < state.producerEpoch) {
    return reject(
      'INVALID_PRODUCER_EPOCH',
      `Producer ${b.producerId} sent epoch ${b.producerEpoch}, older than its current epoch ${state.producerEpoch} on this partition (a newer instance fenced it).`,
    );
  }
  if (b.producerEpoch > state.producerEpoch) {
    if (b.baseSequence === 0) return { kind: 'append' };
    return reject(
      'OUT_OF_ORDER_SEQUENCE_NUMBER',
      `Producer ${b.producerId}: the first batch of epoch ${b.producerEpoch} must start at sequence 0, not ${b.baseSequence}.`,
    );
  }
  const dup = state.batches.find((m) => m.firstSequence === b.baseSequence && m.lastSequence === last);
  if (dup) return { kind: 'duplicate', baseOffset: dup.baseOffset };
  if (inSequence(state.lastSequence, b.baseSequence)) return { kind: 'append' };
  return reject(
    'OUT_OF_ORDER_SEQUENCE_NUMBER',
    `Producer ${b.producerId} epoch ${b.producerEpoch}: expected sequence ${incrementSequence(state.lastSequence, 1)}, got ${b.baseSequence}. Nothing was written.`,
  );
}

/** The state once a batch that `checkBatch` accepted was given offsets from `baseOffset`. */
export function afterAppend(
  state: ProducerState | undefined,
  b: ProducerFields,
  count: number,
  baseOffset: number,
  maxTimestamp: number,
): ProducerState {
  const meta: ProducerBatchMeta = {
    firstSequence: b.baseSequence,
    lastSequence: lastSequenceOf(b, count),
    baseOffset,
    timestamp: maxTimestamp,
  };
  const kept = state && state.producerEpoch === b.producerEpoch ? state.batches : [];
  return { producerEpoch: b.producerEpoch, lastSequence: meta.lastSequence, batches: [...kept, meta].slice(-BATCHES_KEPT) };
}

function reject(name: 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER', message: string): Verdict {
  return { kind: 'reject', error: new BrokerError(name, message) };
}

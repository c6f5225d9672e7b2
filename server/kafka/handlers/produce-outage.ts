import { asBrokerError, BrokerError } from '@/server/broker/errors';
import { isCommitInDoubt, isOutage } from './errors';

/**
 * Produce errors while the database is away, chosen by what Kafka's clients do with them (from their
 * source: librdkafka 2.0's rd_kafka_handle_Produce_error, Java's Sender and TransactionManager, kafkajs's
 * sendMessages; the table is in docs/kafka-outages.md):
 *
 * - Nothing was written (the database could not be reached, or the transaction rolled back):
 *   NOT_ENOUGH_REPLICAS. Every client retries it, with the same producer id, epoch and sequence, as "not
 *   persisted", and without the metadata refresh and leader churn KAFKA_STORAGE_ERROR causes.
 * - The COMMIT was lost with its connection and could not be resolved in time: REQUEST_TIMED_OUT, which
 *   clients treat as "possibly persisted"; an idempotent producer's retry is then answered from its
 *   sequence state, a plain producer's may write the records twice, as with Kafka.
 * - After such an answer, librdkafka treats OUT_OF_ORDER_SEQUENCE_NUMBER for the batch that followed it as
 *   fatal (it assumed the earlier batch was written). Until that producer's next batch on the partition is
 *   written, an out-of-sequence batch is answered NOT_ENOUGH_REPLICAS instead: true (nothing was written),
 *   and retried.
 */
export class ProduceOutages {
  /** "producerId topic partition" → when its batch went unanswered-for (insertion order = age). */
  private readonly inDoubt = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly limit = 10_000,
    private readonly forgetAfterMs = 10 * 60_000,
  ) {}

  /** The error to answer for a partition's failed append. */
  answer(err: unknown, topic: string, partition: number, producerId: bigint | number | null): BrokerError | null {
    const known = asBrokerError(err);
    if (!known) return null;
    const key = producerId === null ? null : `${producerId} ${topic} ${partition}`;
    if (isCommitInDoubt(err)) {
      if (key !== null) this.remember(key);
      return known;
    }
    if (isOutage(err)) {
      return new BrokerError('NOT_ENOUGH_REPLICAS', "The log's database is unreachable or restarting: nothing was written; retry.", {
        cause: err,
      });
    }
    if (key !== null && known.kafkaName === 'OUT_OF_ORDER_SEQUENCE_NUMBER' && this.doubted(key)) {
      return new BrokerError(
        'NOT_ENOUGH_REPLICAS',
        'An earlier batch of this producer is still in doubt after a database outage: nothing was written; retry.',
        { cause: err },
      );
    }
    return known;
  }

  /** A batch of the producer was written on the partition: its state is known again. */
  written(topic: string, partition: number, producerId: bigint | number | null): void {
    if (producerId !== null && this.inDoubt.size > 0) this.inDoubt.delete(`${producerId} ${topic} ${partition}`);
  }

  private remember(key: string): void {
    this.inDoubt.delete(key);
    this.inDoubt.set(key, this.now());
    if (this.inDoubt.size > this.limit) this.inDoubt.delete(this.inDoubt.keys().next().value as string);
  }

  private doubted(key: string): boolean {
    const since = this.inDoubt.get(key);
    if (since === undefined) return false;
    if (this.now() - since <= this.forgetAfterMs) return true;
    this.inDoubt.delete(key);
    return false;
  }
}

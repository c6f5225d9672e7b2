import { MAX_PARTITIONS, MAX_TOPIC_NAME_LENGTH } from '@/server/kernel/topic-limits';
import { BrokerError } from '../errors';

export { MAX_PARTITIONS, MAX_TOPIC_NAME_LENGTH };

/** Kafka's topic name rules (org.apache.kafka.common.internals.Topic). */
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** A name that passes validateTopicName: anything else cannot name an existing topic. */
export const isLegalTopicName = (name: string) => name.length <= MAX_TOPIC_NAME_LENGTH && name !== '.' && name !== '..' && LEGAL.test(name);

export function validateTopicName(name: string): void {
  if (name.length === 0) throw new BrokerError('INVALID_TOPIC_EXCEPTION', 'Topic name is empty.');
  if (name === '.' || name === '..') {
    throw new BrokerError('INVALID_TOPIC_EXCEPTION', `Topic name cannot be "." or "..".`);
  }
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw new BrokerError(
      'INVALID_TOPIC_EXCEPTION',
      `Topic name is ${name.length} characters long; the limit is ${MAX_TOPIC_NAME_LENGTH}.`,
    );
  }
  if (!LEGAL.test(name)) {
    throw new BrokerError(
      'INVALID_TOPIC_EXCEPTION',
      `Topic name ${JSON.stringify(name)} is illegal: it may contain only ASCII letters, digits, ".", "_" and "-".`,
    );
  }
}

/** Kafka refuses names that differ only by "." versus "_": they collide in metric names. */
export const collisionKey = (name: string) => name.replaceAll('.', '_');

export function validatePartitionCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_PARTITIONS) {
    throw new BrokerError('INVALID_PARTITIONS', `Number of partitions must be between 1 and ${MAX_PARTITIONS}; got ${count}.`);
  }
}

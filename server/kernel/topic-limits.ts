/** Topic limits, pure (imports nothing) so the console's forms check the same numbers in the browser. */

/** Kafka's longest topic name (org.apache.kafka.common.internals.Topic). */
export const MAX_TOPIC_NAME_LENGTH = 249;

/** Brook's most partitions per topic: each is a row and a partitioned log table. */
export const MAX_PARTITIONS = 1000;

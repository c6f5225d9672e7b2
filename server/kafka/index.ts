import type { Broker, KafkaListenerReport } from '@/server/broker';
import type { BrookEnv } from '@/server/env';
import { clusterView } from './cluster';
import { createDispatcher } from './dispatch';
import { DEFAULT_KAFKA_SETTINGS, type KafkaSettings } from './handlers/types';
import type { KafkaDispatcher } from './listener/dispatcher';
import { kafkaAuth } from './sasl/kafka-auth';

export type { ConnectionInfo, KafkaDispatcher } from './listener/dispatcher';
export { KafkaProtocolError } from './listener/dispatcher';
export { type KafkaListenerConfig, kafkaListenerConfig, startKafkaListener } from './listener/start';

/**
 * The dispatcher server/main.ts hands the Kafka listener: every API in handlers/ over this engine, with
 * the engine's auth (its mode decides whether connections authenticate with SASL). `report` is the
 * listener's state once bound (its advertised address makes this instance's node).
 */
export function createKafkaDispatcher(
  broker: Broker,
  report: () => KafkaListenerReport | null,
  settings: KafkaSettings = DEFAULT_KAFKA_SETTINGS,
): KafkaDispatcher {
  return createDispatcher({ broker, cluster: clusterView(broker, report), settings, auth: kafkaAuth(broker.auth, broker.now) });
}

/** The Kafka handlers' settings from the environment (unset: Kafka's defaults, except auto-creation off). */
export function kafkaSettings(env: BrookEnv): KafkaSettings {
  return {
    autoCreateTopics: env.BROOK_KAFKA_AUTO_CREATE_TOPICS ?? DEFAULT_KAFKA_SETTINGS.autoCreateTopics,
    numPartitions: env.BROOK_KAFKA_NUM_PARTITIONS ?? DEFAULT_KAFKA_SETTINGS.numPartitions,
  };
}

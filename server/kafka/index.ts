import type { Broker, KafkaListenerReport } from '@/server/broker';
import { clusterView } from './cluster';
import { createDispatcher } from './dispatch';
import type { KafkaDispatcher } from './listener/dispatcher';

export type { ConnectionInfo, KafkaDispatcher } from './listener/dispatcher';
export { KafkaProtocolError } from './listener/dispatcher';
export { type KafkaListenerConfig, kafkaListenerConfig, startKafkaListener } from './listener/start';

/**
 * The dispatcher server/main.ts hands the Kafka listener: every API in handlers/ over this engine.
 * `report` is the listener's state once bound (its advertised address makes this instance's node).
 */
export function createKafkaDispatcher(broker: Broker, report: () => KafkaListenerReport | null): KafkaDispatcher {
  return createDispatcher({ broker, cluster: clusterView(broker, report) });
}

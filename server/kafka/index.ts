import type { Broker } from '@/server/broker';
import type { KafkaDispatcher } from './listener/dispatcher';

export type { ConnectionInfo, KafkaDispatcher } from './listener/dispatcher';
export { KafkaProtocolError } from './listener/dispatcher';
export { type KafkaListenerConfig, kafkaListenerConfig, startKafkaListener } from './listener/start';

/**
 * The dispatcher server/main.ts hands the Kafka listener. Until the API handlers exist (issue 12's codecs
 * and handlers are plugged in here) every request closes its connection with a "no handler" log line, so
 * a Kafka client fails fast instead of waiting for an answer that will never come.
 */
export function createKafkaDispatcher(_broker: Broker): KafkaDispatcher {
  return {
    async handle() {
      throw new Error('no handler: Brook does not answer Kafka requests yet');
    },
  };
}

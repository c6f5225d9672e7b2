import { Admin } from './admin';
import type { InputOf } from './api-types';
import { Consumer, type ConsumerConfig } from './consumer';
import { BrookHttp, type HttpOptions } from './http';
import { Producer, type ProducerConfig } from './producer';

/**
 * Brook's TypeScript client, modelled on kafkajs, over the HTTP API (so it runs wherever fetch does):
 *
 *   const brook = new Brook({ url: 'http://localhost:3000', clientId: 'inventory' });
 *   await brook.producer().send({ topic: 'orders', messages: [{ key: 'o-1', value: '{"sku":"A"}' }] });
 *   const consumer = brook.consumer({ groupId: 'inventory' });
 *   await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
 *   await consumer.run({ eachMessage: async ({ message }) => { ... } });
 */
export class Brook {
  private readonly http: BrookHttp;
  readonly clientId: string;

  constructor(options: HttpOptions & { clientId?: string }) {
    this.http = new BrookHttp(options);
    this.clientId = options.clientId ?? 'brook-client';
  }

  producer(config?: ProducerConfig): Producer {
    return new Producer(this.http, config);
  }

  consumer(config: ConsumerConfig): Consumer {
    return new Consumer(this.http, { ...config, clientId: config.clientId ?? this.clientId });
  }

  admin(): Admin {
    return new Admin(this.http);
  }

  /**
   * One read of a partition from an offset, outside any group (what a tool showing a partition's records
   * needs): records, high watermark and log start. `maxWaitMs` long-polls for records past the end.
   */
  fetch(input: InputOf<'records.fetch'>, signal?: AbortSignal) {
    return this.http.query('records.fetch', input, signal);
  }
}

export { Admin } from './admin';
export type { EachBatchPayload, EachMessagePayload, RunConfig } from './batch-processor';
export { Consumer, type ConsumerConfig } from './consumer';
export {
  CONSUMER_EVENTS,
  type ConsumerEventListener,
  type ConsumerEventName,
  type ConsumerEventPayloads,
  type InstrumentationEvent,
} from './consumer-events';
export { BrookError, isBrookError } from './http';
export type { Bytes, Headers, KafkaMessage, Message } from './messages';
export type { Batch } from './partition-worker';
export { Producer, type ProducerConfig, type RecordMetadata } from './producer';

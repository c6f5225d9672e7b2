import type { BrookHttp } from './http';
import { encodeMessage, type Message } from './messages';

export interface RecordMetadata {
  topicName: string;
  partition: number;
  /** The offset this message was written at. */
  offset: string;
}

/**
 * kafkajs-style producer. Each `send` is one request and one transaction on the broker: acknowledged
 * means committed, and a send that spans partitions is all or nothing.
 */
export class Producer {
  constructor(private readonly http: BrookHttp) {}

  /** Kept for kafkajs compatibility: there is no connection to open. */
  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {}

  async send({ topic, messages }: { topic: string; messages: Message[] }): Promise<RecordMetadata[]> {
    const { results } = await this.http.mutate('records.produce', { topic, encoding: 'base64', records: messages.map(encodeMessage) });
    return results.map((r) => ({ topicName: topic, partition: r.partition, offset: String(r.offset) }));
  }

  async sendBatch({ topicMessages }: { topicMessages: Array<{ topic: string; messages: Message[] }> }): Promise<RecordMetadata[]> {
    const out: RecordMetadata[] = [];
    for (const t of topicMessages) out.push(...(await this.send(t)));
    return out;
  }
}

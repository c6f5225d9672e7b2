import type { Brook, ProducerConfig } from '@/server/client';
import type { Ack } from './checker';
import { encodeRecord } from './record-codec';
import type { Rng } from './rng';

const PAD_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-_';
const MAX_BATCH = 20;

/**
 * N producers (the client library's, idempotent: each request has its own idempotency key, reused by its
 * retries), each with `lanes` concurrent send loops (so the pipeline has requests in flight when Brook dies). Every send is a batch of 1 to 20 records with ids no one else uses; an acknowledged
 * send records each id's partition and offset, a failed one moves on with new ids (sending the same ids
 * again would be the harness duplicating, not Brook).
 */
export class ProducerFleet {
  readonly sent = new Set<string>();
  readonly acks: Ack[] = [];
  sends = 0;
  failedSends = 0;
  lastError = '';
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly clients: Brook[],
    private readonly topic: string,
    private readonly runId: string,
    private readonly lanes: number,
    private readonly rng: Rng,
    private readonly config: ProducerConfig,
  ) {}

  start(): void {
    this.running = true;
    this.loops = this.clients.flatMap((client, i) => {
      const producer = client.producer(this.config);
      return Array.from({ length: this.lanes }, (_, lane) => this.loop(producer, `p${i}.${lane}`, this.rng.fork()));
    });
  }

  /** Lets each loop finish the send it has in flight (its retries included), then returns. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(producer: ReturnType<Brook['producer']>, name: string, rng: Rng): Promise<void> {
    for (let seq = 0; this.running; ) {
      const ids: string[] = [];
      const messages = Array.from({ length: rng.int(1, MAX_BATCH) }, () => {
        const id = `${this.runId}.${name}.${seq++}`;
        ids.push(id);
        this.sent.add(id);
        let pad = '';
        for (let n = rng.int(0, 48); n > 0; n--) pad += PAD_CHARS[rng.int(0, PAD_CHARS.length - 1)];
        return encodeRecord(id, pad);
      });
      this.sends++;
      try {
        const results = await producer.send({ topic: this.topic, messages });
        results.forEach((r, k) => {
          this.acks.push({ id: ids[k], partition: r.partition, offset: Number(r.offset) });
        });
      } catch (err) {
        this.failedSends++;
        this.lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        await sleep(rng.between(50, 250));
      }
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

import { Brook } from '@/server/client';
import { childData } from './child';

/**
 * The consuming side of the group latency scenario: a client-library group member in a process of its
 * own (as a separate service would be). Values are "<seq>:<ms since epoch when made>"; records with
 * seq >= warmup count. Sends `ready` once it runs, then the latencies once `total` records arrived.
 */
const { url, topic, groupId, total, warmup } = childData<{ url: string; topic: string; groupId: string; total: number; warmup: number }>();
const consumer = new Brook({ url, clientId: 'latency' }).consumer({ groupId, heartbeatInterval: 1000 });
const latencies = new Float64Array(total - warmup);
let received = 0;
let counted = 0;
const all = new Promise<void>((resolve) => {
  void consumer.subscribe({ topics: [topic] }).then(() =>
    consumer.run({
      eachMessage: async ({ message }) => {
        const [seq, sent] = message.value!.toString().split(':').map(Number);
        if (seq >= warmup) latencies[counted++] = performance.timeOrigin + performance.now() - sent;
        if (++received === total) resolve();
      },
    }),
  );
});
process.send!({ ready: true });
await all;
await consumer.disconnect();
process.send!({ latencies: latencies.slice(0, counted) }, () => process.exit(0));

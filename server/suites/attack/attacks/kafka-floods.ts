import { kafkaFloods } from '@/server/kafka/listener/attacks';
import type { Attack } from '../attack';

/**
 * The Kafka listener's side: idle and per-address connection floods, an oversized frame before SASL, and
 * sockets holding most of a 100 MB frame, while a SASL client (the producer token over PLAIN) produces
 * and consumes. The checks themselves are the listener's own (server/kafka/listener/attacks.ts).
 */
export const kafkaListenerFloods: Attack = {
  name: 'kafka-floods',
  description:
    'unauthenticated Kafka connections: 1,000 idle, past the per-address cap, a frame over 512 KiB before SASL, six 90 MiB half-frames; a SASL client still produces and consumes within 2 s',
  async run(ctx) {
    if (ctx.kafkaPort === null) return { figures: [], failures: ['the server has no Kafka listener'] };
    const lines: string[] = [];
    try {
      const f = await kafkaFloods({
        kafkaPort: ctx.kafkaPort,
        authOn: true,
        bystander: { topic: ctx.topic, sasl: { mechanism: 'plain', username: ctx.producerTokenName, password: ctx.producerToken } },
        rss: () => ctx.serverRss() ?? 0,
        idleConnections: ctx.short ? 300 : 1000,
        halfFrames: ctx.short ? { sockets: 3, partialBytes: 20 * 2 ** 20, declaredBytes: 100_000_000 } : undefined,
        log: (line) => lines.push(line),
      });
      return {
        figures: [
          [
            'idle connections: opened / refused / open after the deadline',
            `${f.idle.opened} / ${f.idle.refused} / ${f.idle.openAfterDeadline}`,
          ],
          ['idle flood: SASL client produce -> consume', `${f.idle.bystanderMs} ms`],
          ['one address past its cap: refused', `${f.perIp.refused} of ${f.perIp.attempted}`],
          ['frame over 512 KiB before SASL', f.oversizedPreAuth ? (f.oversizedPreAuth.closed ? 'closed' : 'NOT closed') : 'n/a'],
          [
            `${f.halfFrames.sockets} half-frames: server RSS before / peak`,
            `${f.halfFrames.rssBeforeMiB} MiB / ${f.halfFrames.rssPeakMiB} MiB`,
          ],
          ['half-frames: SASL client produce -> consume', `${f.halfFrames.bystanderMs} ms`],
        ],
        failures: [],
      };
    } catch (err) {
      return { figures: lines.map((l) => ['log', l] as [string, string]), failures: [err instanceof Error ? err.message : String(err)] };
    }
  },
};

import Redis from 'ioredis';
import { AckPolicy, connect, DeliverPolicy, StorageType } from 'nats';
import { sleep } from '../lib/env';
import { paced } from '../lib/paced';
import { percentile } from '../lib/report';

/**
 * The same group-consumption workload on other brokers running on this machine, measured in the same
 * run: NATS JetStream (a durable pull consumer shared by 3 workers, explicit acks) and Redis Streams
 * (a consumer group of 3, XACK per batch). Skipped with a note when the server is not there.
 */

const payload = (i: number) => Buffer.from(`value-${i}-`.padEnd(100, 'a'));

export async function natsConsumeRate(total: number, workers: number): Promise<number> {
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  const stream = `BROOKBENCH${Date.now()}`;
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], storage: StorageType.File });
  try {
    // Load the stream (core publish, then wait until JetStream has stored everything).
    for (let i = 0; i < total; i++) {
      nc.publish(`${stream}.p${i % 6}`, payload(i), { headers: undefined });
      if (i % 10_000 === 9_999) await nc.flush();
    }
    await nc.flush();
    for (;;) {
      const info = await jsm.streams.info(stream);
      if (info.state.messages >= total) break;
      await sleep(100);
    }
    await jsm.consumers.add(stream, {
      durable_name: 'bench',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: 100_000,
    });
    const consumer = await js.consumers.get(stream, 'bench');
    let consumed = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (consumed < total) {
          const batch = await consumer.fetch({ max_messages: 2000, expires: 1000 });
          for await (const m of batch) {
            consumed++;
            m.ack();
          }
        }
      }),
    );
    return total / ((performance.now() - started) / 1000);
  } finally {
    await jsm.streams.delete(stream).catch(() => {});
    await nc.drain();
  }
}

export async function redisConsumeRate(total: number, workers: number): Promise<number> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  const key = `brook-bench-${Date.now()}`;
  try {
    for (let i = 0; i < total; i += 1000) {
      const p = redis.pipeline();
      for (let j = i; j < Math.min(total, i + 1000); j++) p.xadd(key, '*', 'v', payload(j));
      await p.exec();
    }
    await redis.xgroup('CREATE', key, 'bench', '0');
    let consumed = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        const client = redis.duplicate();
        try {
          while (consumed < total) {
            const res = (await client.xreadgroup('GROUP', 'bench', `c${w}`, 'COUNT', 2000, 'BLOCK', 1000, 'STREAMS', key, '>')) as Array<
              [string, Array<[string, string[]]>]
            > | null;
            const entries = res?.[0]?.[1] ?? [];
            if (entries.length === 0) continue;
            consumed += entries.length;
            await client.xack(key, 'bench', ...entries.map((e) => e[0]));
          }
        } finally {
          client.disconnect();
        }
      }),
    );
    return total / ((performance.now() - started) / 1000);
  } finally {
    await redis.del(key);
    redis.disconnect();
  }
}

/** Publish → delivery latency at about `rate` messages/s for `seconds` (after one second of warm-up). */
export async function natsLatency(rate: number, seconds: number) {
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  const stream = `BROOKLAT${Date.now()}`;
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], storage: StorageType.File });
  await jsm.consumers.add(stream, { durable_name: 'lat', ack_policy: AckPolicy.Explicit });
  const consumer = await js.consumers.get(stream, 'lat');
  const total = rate * (seconds + 1);
  const latencies: number[] = [];
  try {
    const messages = await consumer.consume({ max_messages: 1000 });
    const consuming = (async () => {
      let n = 0;
      for await (const m of messages) {
        const seq = Number(m.string().split(':')[0]);
        const sent = Number(m.string().split(':')[1]);
        if (seq >= rate) latencies.push(performance.timeOrigin + performance.now() - sent);
        m.ack();
        if (++n >= total) break;
      }
    })();
    await paced(rate, total, (i) => js.publish(`${stream}.x`, Buffer.from(`${i}:${performance.timeOrigin + performance.now()}`)));
    await consuming;
  } finally {
    await jsm.streams.delete(stream).catch(() => {});
    await nc.drain();
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function redisLatency(rate: number, seconds: number) {
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const reader = redis.duplicate();
  const key = `brook-lat-${Date.now()}`;
  await redis.xgroup('CREATE', key, 'lat', '$', 'MKSTREAM');
  const total = rate * (seconds + 1);
  const latencies: number[] = [];
  try {
    const consuming = (async () => {
      let n = 0;
      while (n < total) {
        const res = (await reader.xreadgroup('GROUP', 'lat', 'c', 'COUNT', 1000, 'BLOCK', 1000, 'STREAMS', key, '>')) as Array<
          [string, Array<[string, string[]]>]
        > | null;
        const now = performance.timeOrigin + performance.now();
        for (const [, fields] of res?.[0]?.[1] ?? []) {
          const [seq, sent] = fields[1].split(':').map(Number);
          if (seq >= rate) latencies.push(now - sent);
          n++;
        }
        if (res?.[0]?.[1]?.length) await reader.xack(key, 'lat', ...res[0][1].map((e) => e[0]));
      }
    })();
    await paced(rate, total, (i) => redis.xadd(key, '*', 'v', `${i}:${performance.timeOrigin + performance.now()}`));
    await consuming;
  } finally {
    await redis.del(key);
    redis.disconnect();
    reader.disconnect();
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

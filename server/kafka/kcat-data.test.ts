// kcat 1.7 (librdkafka 2.0.2) against Brook's listener on a real engine, both databases: metadata, produce
// in every codec, idempotent produce, and consume; records produced through Brook's engine (the HTTP API's
// path) are read byte for byte by kcat, and kcat's records by the engine. Skipped where kcat is missing.

import { spawn, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { decodeHeaders } from '@/server/broker';
import { type KafkaTestBroker, kafkaTestBroker } from './testing';

const hasKcat = spawnSync('kcat', ['-V']).status === 0;

/** Runs kcat without blocking the event loop (the broker answering it runs in this process). */
function kcat(args: string[], input?: string | Buffer): Promise<{ stdout: Buffer; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString(), code });
    });
    child.stdin.end(input ?? '');
  });
}

interface KcatJsonRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

const jsonLines = (stdout: Buffer): KcatJsonRecord[] =>
  stdout
    .toString()
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l));

describe.runIf(hasKcat).each(testBackends())('kcat against Brook (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(backend, (e) => {
    env = e;
  });
  let b: string[];
  beforeAll(() => {
    b = ['-b', env.bootstrap, '-X', 'socket.timeout.ms=20000'];
  });

  const stored = async (topic: string, partition: number) =>
    (await env.broker.fetch({ topic, partition, offset: 0, maxRecords: 1000 })).records.map((r) => ({
      key: r.key ? Buffer.from(r.key).toString() : null,
      value: r.value ? Buffer.from(r.value).toString() : null,
    }));

  it('-L lists this broker and the topic with its partitions and leaders', async () => {
    const topic = uniqueName('kc-md');
    await env.broker.createTopic({ name: topic, partitions: 3 });
    const { stdout, code, stderr } = await kcat([...b, '-L', '-J', '-t', topic]);
    expect(code, stderr).toBe(0);
    const md = JSON.parse(stdout.toString());
    expect(md.brokers).toContainEqual(expect.objectContaining({ id: env.nodeId, name: `127.0.0.1:${env.port}` }));
    const t = md.topics.find((x: { topic: string }) => x.topic === topic);
    expect(t.partitions.map((p: { partition: number }) => p.partition)).toEqual([0, 1, 2]);
    expect(t.partitions.every((p: { leader: number }) => md.brokers.some((br: { id: number }) => br.id === p.leader))).toBe(true);
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])(
    '-P -z %s produces keyed lines with a header, on murmur2 partitions',
    async (codec) => {
      const topic = uniqueName(`kc-p-${codec}`);
      await env.broker.createTopic({ name: topic, partitions: 2 });
      const lines = Array.from({ length: 200 }, (_, i) => `key-${i % 13}:value ${i} é`);
      const { code, stderr } = await kcat(
        [...b, '-P', '-t', topic, '-z', codec, '-K', ':', '-H', 'source=kcat', '-X', 'partitioner=murmur2_random'],
        `${lines.join('\n')}\n`,
      );
      expect(code, stderr).toBe(0);
      const all = [...(await stored(topic, 0)), ...(await stored(topic, 1))];
      expect(all.map((r) => `${r.key}:${r.value}`).sort()).toEqual([...lines].sort());
      // Same partition for a key as Brook's own produce.
      const placed = await env.broker.produce(topic, [{ key: Buffer.from('key-5'), value: null }]);
      const p5 = (await stored(topic, placed[0].partition)).filter((r) => r.key === 'key-5');
      expect(p5.length).toBeGreaterThan(1);
      const [header] = (await env.broker.fetch({ topic, partition: placed[0].partition, offset: 0, maxRecords: 1 })).records;
      expect(decodeHeaders(header.headers).map((h) => [h.key, Buffer.from(h.value ?? []).toString()])).toEqual([['source', 'kcat']]);
    },
  );

  it('an idempotent producer (-X enable.idempotence=true) writes each line once', async () => {
    const topic = uniqueName('kc-idem');
    await env.broker.createTopic({ name: topic, partitions: 1 });
    const lines = Array.from({ length: 500 }, (_, i) => `idem ${i}`);
    const { code, stderr } = await kcat([...b, '-P', '-t', topic, '-p', '0', '-X', 'enable.idempotence=true'], `${lines.join('\n')}\n`);
    expect(code, stderr).toBe(0);
    expect((await stored(topic, 0)).map((r) => r.value)).toEqual(lines);
  });

  it('-C -o beginning -e reads records produced through the engine byte for byte: keys, values, headers, binary', async () => {
    const topic = uniqueName('kc-c');
    await env.broker.createTopic({ name: topic, partitions: 2 });
    const records = Array.from({ length: 300 }, (_, i) => ({
      key: i % 5 === 0 ? null : Buffer.from(`k${i}`),
      value: Buffer.from(`v${i} ü ${'z'.repeat(i % 40)}`),
      headers: [
        { key: 'n', value: Buffer.from(String(i)) },
        { key: 'n', value: Buffer.from('dup') },
      ],
      partition: i % 2,
    }));
    await env.broker.produce(topic, records);
    const { stdout, code, stderr } = await kcat([...b, '-C', '-t', topic, '-o', 'beginning', '-e', '-J']);
    expect(code, stderr).toBe(0);
    const got = jsonLines(stdout);
    expect(got).toHaveLength(300);
    for (const r of got) {
      const i = Number(r.headers?.[1]);
      expect(r.partition).toBe(i % 2);
      expect(r.key).toBe(records[i].key?.toString() ?? null);
      expect(r.payload).toBe(records[i].value.toString());
      expect(r.headers).toEqual(['n', String(i), 'n', 'dup']);
    }
    expect(got.filter((r) => r.partition === 0).map((r) => r.offset)).toEqual(Array.from({ length: 150 }, (_, i) => i));

    // Raw bytes: every byte value, read back exactly (-f %s writes the payload as is).
    const binary = uniqueName('kc-bin');
    await env.broker.createTopic({ name: binary, partitions: 1 });
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    await env.broker.produce(binary, [{ value: bytes, partition: 0 }]);
    const raw = await kcat([...b, '-C', '-t', binary, '-o', 'beginning', '-e', '-f', '%s']);
    expect(raw.code, raw.stderr).toBe(0);
    expect(raw.stdout.equals(bytes)).toBe(true);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServerForTests, freePort, type ServerChild, startServerChild } from '@/server/serve/spawn-server';
import { Brook, type RecordMetadata } from '.';

/**
 * producer.send across broker crashes: the built server killed with SIGKILL (once by the testing failpoint
 * right after a commit, so that answer is surely lost; once at an arbitrary moment under load) and
 * restarted on the same database and port. Every send resolves, and the log holds every record once.
 */
let entry = '';
let dataDir = '';
const children: ServerChild[] = [];

beforeAll(() => {
  entry = buildServerForTests();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-producer-crash-'));
});
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  if (entry) fs.rmSync(entry, { force: true });
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('producer.send across a server SIGKILL and restart', () => {
  it('writes each record exactly once, where the answer says', { timeout: 240_000 }, async () => {
    const port = String(await freePort());
    const start = async (env: Record<string, string> = {}) => {
      const child = await startServerChild(entry, { BROOK_DATA_DIR: dataDir, BROOK_KAFKA_LISTENER: 'off', PORT: port, ...env });
      children.push(child);
      return child;
    };
    let server = await start({ BROOK_FAILPOINT: 'produce-after-commit' });
    const brook = new Brook({ url: server.url, retry: { attempts: 60, maxBackoffMs: 500, maxElapsedMs: 120_000 } });
    const topic = 'payments';
    await brook.admin().createTopics({ topics: [{ topic, numPartitions: 3 }] });
    const producer = brook.producer({ retry: { attempts: 60, maxBackoffMs: 500, maxElapsedMs: 120_000 }, requestTimeoutMs: 30_000 });
    const sent = new Map<string, RecordMetadata>();
    const send = async (values: string[]) => {
      const meta = await producer.send({ topic, messages: values.map((v) => ({ key: v, value: v })) });
      values.forEach((v, i) => {
        sent.set(v, meta[i]);
      });
    };

    // 1. The server dies right after committing the first request: its answer is lost; the retry reaches the next server.
    const first = send(['a-0', 'a-1', 'a-2', 'a-3']);
    await server.exited;
    expect(server.child.signalCode).toBe('SIGKILL');
    server = await start();
    await first;

    // 2. A stream of sends, the server killed at an arbitrary moment among them and restarted.
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      sends.push(send([`b-${i}-0`, `b-${i}-1`, `b-${i}-2`]));
      if (i === 25) {
        server.child.kill('SIGKILL');
        await server.exited;
        server = await start();
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(sends);
    await producer.disconnect();

    // The log: every record once, at the partition and offset its send resolved with.
    const seen = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const partition of [0, 1, 2]) {
      let offset = 0;
      for (;;) {
        const input = encodeURIComponent(JSON.stringify({ topic, partition, offset, maxRecords: 1000 }));
        const page = await fetch(`${server.url}/api/trpc/records.fetch?input=${input}`).then((r) => r.json());
        const records = page.result.data.records as Array<{ value: string; offset: number }>;
        for (const r of records) seen.set(r.value, [...(seen.get(r.value) ?? []), { partition, offset: String(r.offset) }]);
        if (records.length === 0 || records[records.length - 1].offset + 1 >= page.result.data.highWatermark) break;
        offset = records[records.length - 1].offset + 1;
      }
    }
    expect(sent.size).toBe(4 + 60 * 3);
    const duplicated = [...seen].filter(([, at]) => at.length > 1).map(([v]) => v);
    const lost = [...sent.keys()].filter((v) => !seen.has(v));
    expect({ duplicated, lost }).toEqual({ duplicated: [], lost: [] });
    expect(seen.size).toBe(sent.size);
    for (const [value, meta] of sent) expect(seen.get(value)).toEqual([{ partition: meta.partition, offset: meta.offset }]);
    server.child.kill('SIGTERM');
    await server.exited;
  });
});

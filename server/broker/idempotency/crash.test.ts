import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServerForTests, type ServerChild, startServerChild } from '@/server/serve/spawn-server';

/**
 * The idempotency key across a crash between commit and response: the built server, with the testing
 * failpoint, dies (SIGKILL) right after a keyed produce commits; restarted on the same database, the
 * retry with the same key gets the original offsets and the log holds the records once.
 */
let entry = '';
let dataDir = '';
const children: ServerChild[] = [];

beforeAll(() => {
  entry = buildServerForTests();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-idem-crash-'));
});
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  if (entry) fs.rmSync(entry, { force: true });
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<ServerChild> {
  const child = await startServerChild(entry, { BROOK_DATA_DIR: dataDir, BROOK_KAFKA_LISTENER: 'off', ...env });
  children.push(child);
  return child;
}

async function call(url: string, procedure: string, input: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: await res.json() };
}

describe('an idempotency key across a forced crash between commit and response', () => {
  it('the retry after the restart answers the original offsets; the log holds the records once', async () => {
    const topic = 'orders';
    const records = [
      { key: 'a', value: 'one' },
      { key: 'b', value: 'two' },
      { value: 'three', partition: 1 },
    ];
    const doomed = await start({ BROOK_FAILPOINT: 'produce-after-commit' });
    expect((await call(doomed.url, 'topics.create', { name: topic, partitions: 2 })).status).toBe(200);
    // Unkeyed produces are answered as usual: the failpoint is about keyed ones only.
    expect((await call(doomed.url, 'records.produce', { topic, records: [{ value: 'before', partition: 0 }] })).status).toBe(200);

    // The answer is lost: the process is killed after the commit.
    const lost = await call(doomed.url, 'records.produce', { topic, records }, { 'Idempotency-Key': 'crash-1' }).catch((e: Error) => e);
    expect(lost).toBeInstanceOf(Error);
    await doomed.exited;
    expect(doomed.child.signalCode).toBe('SIGKILL');

    const server = await start();
    const retry = await call(server.url, 'records.produce', { topic, records }, { 'Idempotency-Key': 'crash-1' });
    expect(retry.status).toBe(200);
    const results = retry.body.result.data.results as Array<{ partition: number; offset: number }>;
    // The first attempt's place in the log, not a second write: partition 0 already held "before" at 0.
    const byPartition = (p: number) => results.filter((r) => r.partition === p).map((r) => r.offset);
    expect(byPartition(1)).toContain(0);
    expect(results).toHaveLength(3);

    // Each partition holds each record once, where the retry's answer says.
    const values = new Map<string, { partition: number; offset: number }[]>();
    for (const partition of [0, 1]) {
      const fetched = await fetch(
        `${server.url}/api/trpc/records.fetch?input=${encodeURIComponent(JSON.stringify({ topic, partition, offset: 0 }))}`,
      ).then((r) => r.json());
      for (const r of fetched.result.data.records as Array<{ value: string; offset: number }>) {
        values.set(r.value, [...(values.get(r.value) ?? []), { partition, offset: r.offset }]);
      }
    }
    expect(values.get('before')).toEqual([{ partition: 0, offset: 0 }]);
    for (const [i, r] of records.entries()) expect(values.get(r.value)).toEqual([results[i]]);
    expect([...values.values()].flat()).toHaveLength(4);

    // And again: still the same answer, still nothing written.
    const again = await call(server.url, 'records.produce', { topic, records }, { 'Idempotency-Key': 'crash-1' });
    expect(again.body.result.data.results).toEqual(results);
    server.child.kill('SIGTERM');
    await server.exited;
  });
});

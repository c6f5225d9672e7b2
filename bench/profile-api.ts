import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { createBroker } from '@/server/broker';
import { createAppServer } from '@/server/serve/app-server';
import { createBenchDatabase } from './lib/env';
import { httpRecord } from './scenarios/core-http';

/**
 * The JSON path of records.produce and records.fetch with 1000-record requests, in one process, for a
 * CPU profile: `node --conditions=react-server --cpu-prof --import tsx bench/profile-api.ts [requests] [produce|fetch|single]`
 * (react-server: server-only imports resolve to their empty module, as the esbuild bundle aliases them). The API is served as
 * server/main.ts serves it (createAppServer: Node's HTTP server, the edge, tRPC's fetch adapter); the load
 * is sequential, one request at a time, so per-request milliseconds are the server's own.
 */
async function main() {
  const requests = Number(process.argv[2] ?? 200);
  const only = process.argv[3]; // "produce" or "fetch": measure only that one (a profile of one path)
  const bench = await createBenchDatabase();
  const db = await bench.open(4);
  const broker = createBroker(db);
  await broker.start();
  const { server } = createAppServer({
    getBroker: async () => broker,
    next: async (_req, res) => void res.writeHead(404).end(),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // One connection for the sequential cases; 64 for the concurrent one (each of its clients waits for its answer).
  const pool = new Pool(url, { connections: only === 'concurrent' ? 64 : 1 });
  const call = async (method: 'GET' | 'POST', path: string, body?: string) => {
    const res = await pool.request({ method, path, body, headers: { host: 'localhost', 'content-type': 'application/json' } });
    const bytes = await res.body.arrayBuffer();
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${Buffer.from(bytes).toString().slice(0, 300)}`);
    return bytes.byteLength;
  };
  try {
    const topic = 'profile';
    await call('POST', '/api/trpc/topics.create', JSON.stringify({ name: topic, partitions: 1 }));
    const body = JSON.stringify({ topic, records: Array.from({ length: 1000 }, (_, i) => ({ ...httpRecord(i), partition: 0 })) });
    const b64 = JSON.stringify({
      topic,
      encoding: 'base64',
      records: Array.from({ length: 1000 }, (_, i) => {
        const r = httpRecord(i);
        return { key: Buffer.from(r.key).toString('base64'), value: Buffer.from(r.value).toString('base64'), partition: 0 };
      }),
    });
    for (let i = 0; i < 20; i++) await call('POST', '/api/trpc/records.produce', body); // warm up
    for (let i = 0; i < 40; i++) await call('POST', '/api/trpc/records.produce', body); // pages to fetch
    const measure = async (label: string, fn: (i: number) => Promise<unknown>) => {
      if (only && !label.startsWith(only)) return;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < requests; i++) await fn(i);
      const ms = (performance.now() - t0) / requests;
      const cpu = process.cpuUsage(cpu0);
      // CPU time of this process (server and load generator) per request: steadier than wall time on a busy machine.
      const cpuMs = (cpu.user + cpu.system) / 1000 / requests;
      console.log(`${label}: ${ms.toFixed(2)} ms/request (${cpuMs.toFixed(2)} ms CPU), ${Math.round(1000 / ms)} req/s`);
    };
    const one = JSON.stringify({ topic, records: [{ ...httpRecord(1), partition: 0 }] });
    await measure('single-record produce', () => call('POST', '/api/trpc/records.produce', one));
    // 64 clients, one record per request (bench case (4), in one process): `requests` produces in all.
    await measure('concurrent: 64 single-record producers', async (i) => {
      if (i > 0) return; // the first call makes all `requests`, 64 at a time
      let left = requests;
      const client = async () => {
        while (left-- > 0) await call('POST', '/api/trpc/records.produce', one);
      };
      await Promise.all(Array.from({ length: 64 }, client));
    });
    await measure('produce 1000 utf8', () => call('POST', '/api/trpc/records.produce', body));
    await measure('produce 1000 base64', () => call('POST', '/api/trpc/records.produce', b64));
    const fetchPath = (i: number, encoding: string) =>
      `/api/trpc/records.fetch?input=${encodeURIComponent(JSON.stringify({ topic, partition: 0, offset: (i % 40) * 1000, maxRecords: 1000, maxBytes: 8 << 20, encoding }))}`;
    await measure('fetch 1000 utf8', (i) => call('GET', fetchPath(i, 'utf8')));
    await measure('fetch 1000 base64', (i) => call('GET', fetchPath(i, 'base64')));
  } finally {
    await pool.close();
    server.close();
    await broker.close();
    await db.close();
    await bench.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

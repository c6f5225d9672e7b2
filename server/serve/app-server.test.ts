import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { testBroker, until } from '@/server/broker/testing';
import { type AppServer, createAppServer } from './app-server';

/** A raw upgrade handshake (as a browser's websocket sends it); resolves with what the server wrote. */
function upgrade(port: number, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d;
      if (answer.includes('\r\n\r\n')) socket.destroy();
    });
    socket.once('close', () => resolve(answer));
    socket.once('error', reject);
    const lines = Object.entries({
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      ...headers,
    }).map(([k, v]) => `${k}: ${v}`);
    socket.write(`GET /_next/webpack-hmr HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
  });
}

describe('websocket upgrades (dev hot reload) follow the Host/Origin rules', () => {
  let app: AppServer;
  let port = 0;
  const accepted: string[] = [];
  beforeAll(async () => {
    app = createAppServer({
      getBroker: () => Promise.reject(new Error('not used')),
      next: async (_req, res) => void res.end('page'),
    });
    // What Next adds on its first request in dev: its own 'upgrade' listener on this server.
    app.server.on('upgrade', (req, socket) => {
      accepted.push(String(req.headers.host));
      socket.end('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
    });
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close(100);
  });

  it('refuses a Host that is not ours (DNS rebinding) with 421, before any listener sees it', async () => {
    const answer = await upgrade(port, { host: `attacker.example:${port}` });
    expect(answer).toMatch(/^HTTP\/1\.1 421 /);
    expect(answer).toContain('attacker.example');
    expect(accepted).toEqual([]);
  });

  it('refuses a page of another origin (cross-site websocket hijacking) with 403', async () => {
    expect(await upgrade(port, { host: `localhost:${port}`, origin: 'https://attacker.example' })).toMatch(/^HTTP\/1\.1 403 /);
    expect(await upgrade(port, { host: `localhost:${port}`, 'sec-fetch-site': 'cross-site' })).toMatch(/^HTTP\/1\.1 403 /);
    expect(accepted).toEqual([]);
  });

  it("passes the console's own upgrades to the listener", async () => {
    expect(await upgrade(port, { host: `localhost:${port}`, origin: `http://localhost:${port}` })).toMatch(/^HTTP\/1\.1 101 /);
    expect(await upgrade(port, { host: `127.0.0.1:${port}` })).toMatch(/^HTTP\/1\.1 101 /);
    expect(accepted).toEqual([`localhost:${port}`, `127.0.0.1:${port}`]);
  });
});

describe.each(testBackends())('shutdown on %s', (backend) => {
  let broker: Broker;
  testBroker(backend, (env) => (broker = env.broker), { start: true });

  it('ends a group call waiting server-side (a join waiting for members), so the drain is not held', async () => {
    let waiting = false;
    const app = createAppServer({
      getBroker: async () => broker,
      // Stands for a group call that waits in the engine (the Kafka listener's JoinGroup and SyncGroup do).
      next: async (_req, res) => {
        waiting = true;
        await broker.wakeup.waitForGroup('g', 600_000);
        res.end('answered');
      },
    });
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    const { port } = app.server.address() as AddressInfo;
    const call = fetch(`http://127.0.0.1:${port}/join`, { method: 'POST' }).then((r) => r.text());
    await until(() => waiting, 'the call waiting');
    // A drain of ten minutes: were the wait not ended, this test would time out instead.
    const { unfinished } = await app.close(600_000);
    expect(unfinished).toEqual([]);
    expect(await call).toBe('answered');
  });
});

import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

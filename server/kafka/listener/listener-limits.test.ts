// The listener's limits against strangers: connection caps (per address and in all), the pre-authentication
// frame cap and deadline, and half-received frames held in the request budget. Real sockets, test dispatcher.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, until } from '@/server/broker/testing';
import { KafkaListener, type KafkaListenerOptions } from './listener';
import { requestId, TestClient, testDispatcher, testRequest } from './testing';

const listeners: KafkaListener[] = [];
const clients: TestClient[] = [];

async function start(options: Partial<KafkaListenerOptions> & { authRequired?: boolean }) {
  const dispatcher = testDispatcher({ authRequired: options.authRequired ?? false });
  const logged: string[] = [];
  const listener = new KafkaListener({ dispatcher, log: (l) => logged.push(l), ...options });
  listeners.push(listener);
  const { port } = await listener.listen('127.0.0.1', 0);
  return { listener, port, dispatcher, logged };
}

async function connect(port: number, localAddress?: string): Promise<TestClient> {
  const c = localAddress
    ? await new Promise<TestClient>((resolve, reject) => {
        const socket = net.connect({ port, host: '127.0.0.1', localAddress }, () => resolve(TestClient.wrap(socket)));
        socket.once('error', reject);
      })
    : await TestClient.connect(port);
  clients.push(c);
  return c;
}

/** The 4-byte size prefix of a frame of `size` bytes, and `body` bytes of it. */
function partialFrame(size: number, body: number): Buffer {
  const b = Buffer.alloc(4 + body, 1);
  b.writeInt32BE(size, 0);
  b.write('E', 4, 'latin1');
  return b;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(listeners.splice(0).map((l) => l.stop(500)));
});

describe('Kafka listener: connection caps', () => {
  it('closes connections from one address past max.connections.per.ip; other addresses still connect', async () => {
    const { listener, port, logged } = await start({ maxConnectionsPerIp: 5 });
    const open = await Promise.all(Array.from({ length: 8 }, () => connect(port)));
    await until(() => open.filter((c) => c.isClosed).length === 3, 'three refused');
    expect(listener.refusedConnections).toBe(3);
    expect(logged.some((l) => l.includes('max.connections.per.ip'))).toBe(true);
    const other = await connect(port, '127.0.0.2');
    other.send(testRequest('E', 7));
    expect(requestId(await other.next())).toBe(7);
    // A closed connection frees its place.
    for (const c of open.filter((c) => !c.isClosed).slice(0, 2)) c.close();
    await until(() => listener.connectionCount === 4, 'two closed');
    const again = await connect(port);
    again.send(testRequest('E', 8));
    expect(requestId(await again.next())).toBe(8);
  });

  it('closes connections past max.connections, whatever their address', async () => {
    const { listener, port } = await start({ maxConnections: 3 });
    const open = [await connect(port), await connect(port, '127.0.0.2'), await connect(port, '127.0.0.3')];
    const fourth = await connect(port, '127.0.0.4');
    await fourth.closed;
    expect(listener.refusedConnections).toBe(1);
    open[0].send(testRequest('E', 1));
    expect(requestId(await open[0].next())).toBe(1);
  });

  it('holds 1,000 idle connections within the caps, and the auth deadline closes them all', async () => {
    const { listener, port } = await start({ authRequired: true, authTimeoutMs: 1500, maxConnectionsPerIp: 1000 });
    const open = await Promise.all(Array.from({ length: 1000 }, (_, i) => connect(port, `127.0.${1 + (i % 4)}.1`)));
    await until(() => listener.connectionCount === 1000, 'all accepted');
    await until(() => open.every((c) => c.isClosed), 'all closed by the deadline', 10_000);
    expect(listener.connectionCount).toBe(0);
  });
});

describe('Kafka listener: before authentication (auth on)', () => {
  it('closes a connection whose frame is above the pre-auth cap before its body is read; lifts the cap once authenticated', async () => {
    const { port, listener, dispatcher } = await start({ authRequired: true, preAuthMaxFrameBytes: 512 * 1024 });
    const big = await connect(port);
    big.socket.write(partialFrame(512 * 1024 + 1, 100));
    await big.closed;
    expect(listener.queuedBytes).toBe(0);

    const atCap = await connect(port);
    atCap.send(testRequest('E', 1, 0, 512 * 1024 - 9));
    expect(requestId(await atCap.next())).toBe(1);

    const authed = await connect(port);
    authed.send(testRequest('A', 2));
    expect(requestId(await authed.next())).toBe(2);
    authed.send(testRequest('E', 3, 0, 2 * 1024 * 1024));
    expect(requestId(await authed.next())).toBe(3);
    expect(dispatcher.handled).toBe(3);
  });

  it('closes a connection that has not authenticated by the deadline, busy or idle; an authenticated one stays', async () => {
    const { port, logged } = await start({ authRequired: true, authTimeoutMs: 400 });
    const idle = await connect(port);
    const busy = await connect(port);
    const authed = await connect(port);
    authed.send(testRequest('A', 1));
    expect(requestId(await authed.next())).toBe(1);
    const timer = setInterval(() => busy.send(testRequest('E', 9)), 50);
    try {
      await Promise.all([idle.closed, busy.closed]);
    } finally {
      clearInterval(timer);
    }
    expect(logged.some((l) => l.includes('not authenticated within 400 ms'))).toBe(true);
    await sleep(300);
    authed.send(testRequest('E', 2));
    expect(requestId(await authed.next())).toBe(2);
  });

  it('with auth off there is no pre-auth cap nor deadline', async () => {
    const { port } = await start({ authTimeoutMs: 100, preAuthMaxFrameBytes: 1024 });
    const c = await connect(port);
    await sleep(300);
    c.send(testRequest('E', 1, 0, 100_000));
    expect(requestId(await c.next())).toBe(1);
  });
});

describe('Kafka listener: half-received frames in the request budget', () => {
  it('reserves a frame when its size prefix arrives; others wait; a closed half-frame gives its bytes back', async () => {
    const { port, listener, dispatcher } = await start({ maxQueuedBytes: 1000, smallRequestHeadroomBytes: 0 });
    const a = await connect(port);
    a.socket.write(partialFrame(900, 100)); // 900 declared, 100 sent
    await until(() => listener.queuedBytes === 900, 'the half-frame reserved');
    const b = await connect(port);
    b.send(testRequest('E', 2, 0, 600));
    await sleep(150);
    expect(dispatcher.handled).toBe(0); // no room: b is not read
    a.close();
    expect(requestId(await b.next())).toBe(2);
    await until(() => listener.queuedBytes === 0, 'all given back');
  });

  it('small requests still pass while large half-frames hold the whole budget (headroom)', async () => {
    const { port, listener } = await start({ maxFrameBytes: 4 << 20, maxQueuedBytes: 4 << 20, smallRequestHeadroomBytes: 1 << 20 });
    const hogs = await Promise.all([connect(port), connect(port)]);
    for (const h of hogs) h.socket.write(partialFrame(2 << 20, 1000));
    await until(() => listener.queuedBytes === 4 << 20, 'the budget held');
    const third = await connect(port);
    third.socket.write(partialFrame(2 << 20, 1000)); // a third large one waits
    const small = await connect(port);
    small.send(testRequest('E', 5, 0, 10_000));
    expect(requestId(await small.next())).toBe(5);
    await sleep(100);
    expect(listener.queuedBytes).toBe(4 << 20);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep, until } from '@/server/broker/testing';
import { KafkaListener } from './listener';
import { requestId, TestClient, testDispatcher, testRequest } from './testing';

describe('Kafka listener: framing, order, backpressure, bad clients', () => {
  const dispatcher = testDispatcher();
  const logged: string[] = [];
  const listener = new KafkaListener({ dispatcher, maxFrameBytes: 64 * 1024, maxInFlight: 8, log: (l) => logged.push(l) });
  let port = 0;
  const clients: TestClient[] = [];
  const connect = async () => {
    const c = await TestClient.connect(port);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    port = (await listener.listen('127.0.0.1', 0)).port;
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await listener.stop(1000);
  });

  it('answers frames sent one byte at a time, and many frames sent in one write', async () => {
    const c = await connect();
    const bytes = Buffer.concat(
      [1, 2, 3].map((id) => {
        const r = testRequest('E', id, 0, id * 10);
        const size = Buffer.alloc(4);
        size.writeInt32BE(r.length, 0);
        return Buffer.concat([size, r]);
      }),
    );
    for (const byte of bytes) {
      c.socket.write(Buffer.from([byte]));
      await sleep(0);
    }
    expect((await c.next()).equals(testRequest('E', 1, 0, 10))).toBe(true);
    expect(requestId(await c.next())).toBe(2);
    expect(requestId(await c.next())).toBe(3);

    c.socket.write(Buffer.concat(Array.from({ length: 200 }, () => bytes)));
    const ids = [];
    for (let i = 0; i < 600; i++) ids.push(requestId(await c.next()));
    expect(ids).toEqual(Array.from({ length: 600 }, (_, i) => (i % 3) + 1));
  });

  it('answers strictly in request order when the dispatcher answers out of order; acks=0 requests get nothing', async () => {
    const c = await connect();
    // Descending delays: the dispatcher finishes them last-first.
    c.send(testRequest('D', 1, 120));
    c.send(testRequest('N', 2));
    c.send(testRequest('D', 3, 60));
    c.send(testRequest('N', 4));
    c.send(testRequest('D', 5, 0));
    c.send(testRequest('E', 6));
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(requestId(await c.next()));
    expect(ids).toEqual([1, 3, 5, 6]);
  });

  it('stops reading at maxInFlight unanswered requests and resumes as they are answered', async () => {
    const c = await connect();
    const before = dispatcher.handled;
    for (let id = 1; id <= 20; id++) c.send(testRequest(id === 1 ? 'D' : 'E', id, 300));
    await until(() => dispatcher.handled - before >= 8, 'eight requests dispatched');
    await sleep(100); // the first one is still running: no more than 8 may have been taken
    expect(dispatcher.handled - before).toBe(8);
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(requestId(await c.next()));
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('stops reading while the client does not read its answers (write buffer full), and catches up when it does', async () => {
    const c = await connect();
    c.socket.pause(); // a client that pipelines requests but reads nothing
    const before = dispatcher.handled;
    const total = 2000;
    for (let id = 1; id <= total; id++) c.send(testRequest('E', id, 0, 32 * 1024)); // 64 MB of answers
    let seen = -1;
    await until(async () => {
      const now = dispatcher.handled - before;
      const stable = now === seen;
      seen = now;
      await sleep(200);
      return stable;
    }, 'dispatching to stall');
    // Stalled well before the end: only what the socket buffers hold has been answered.
    expect(dispatcher.handled - before).toBeLessThan(total);
    c.socket.resume();
    for (let id = 1; id <= total; id++) expect(requestId(await c.next())).toBe(id);
  });

  it.each([
    ['a frame above the cap', () => testRequest('E', 1, 0, 64 * 1024)],
    ['a negative size', () => null],
    ['a request the dispatcher cannot parse', () => Buffer.from('HTTP')],
    ['a request whose handler throws', () => testRequest('F', 1)],
  ])('closes only the connection that sent %s, with one log line', async (_what, make) => {
    const good = await connect();
    const bad = await connect();
    const logs = logged.length;
    const frame = make();
    if (frame) bad.send(frame);
    else bad.socket.write(Buffer.from([0x80, 0, 0, 0]));
    await bad.closed;
    expect(logged.length).toBe(logs + 1);
    expect(logged.at(-1)).toMatch(/^\[kafka\] closing the connection from 127\.0\.0\.1:\d+: /);
    good.send(testRequest('E', 42));
    expect(requestId(await good.next())).toBe(42);
  });

  it('drops the answers of a connection closed while its requests run, and aborts their signals', async () => {
    const c = await connect();
    const aborted = dispatcher.aborted;
    c.send(testRequest('L', 1));
    await until(() => listener.connectionCount >= 1, 'the connection accepted');
    c.close();
    await until(() => dispatcher.aborted === aborted + 1, 'the long poll aborted');
    await until(() => listener.connectionCount === 0, 'the connection gone');
  });
});

describe('Kafka listener: idle connections and shutdown', () => {
  it('closes a connection idle for idleMs, but not one with a request in flight', async () => {
    const listener = new KafkaListener({ dispatcher: testDispatcher(), idleMs: 200, log: () => {} });
    const { port } = await listener.listen('127.0.0.1', 0);
    try {
      const idle = await TestClient.connect(port);
      const busy = await TestClient.connect(port);
      busy.send(testRequest('D', 7, 600)); // longer than idleMs, nothing on the wire meanwhile
      await idle.closed;
      expect(requestId(await busy.next())).toBe(7);
      expect(busy.isClosed).toBe(false);
      await busy.closed; // idle now, after its answer
    } finally {
      await listener.stop(1000);
    }
  });

  it('on stop: refuses new connections, ends long polls, writes answers in flight, then closes', async () => {
    const dispatcher = testDispatcher();
    const listener = new KafkaListener({ dispatcher, log: () => {} });
    const { port } = await listener.listen('127.0.0.1', 0);
    const c = await TestClient.connect(port);
    c.send(testRequest('L', 1)); // a long poll: answers only when aborted
    c.send(testRequest('D', 2, 100));
    await until(() => dispatcher.handled === 2, 'both requests dispatched');
    const cut = await listener.stop(5000);
    expect(cut).toBe(0);
    expect(requestId(await c.next())).toBe(1);
    expect(requestId(await c.next())).toBe(2);
    await c.closed;
    expect(dispatcher.aborted).toBe(1);
    await expect(TestClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('on stop: destroys a connection whose answers are not ready within the grace period', async () => {
    const listener = new KafkaListener({ dispatcher: testDispatcher(), log: () => {} });
    const { port } = await listener.listen('127.0.0.1', 0);
    const c = await TestClient.connect(port);
    c.send(testRequest('D', 1, 5_000)); // ignores the abort
    await sleep(50);
    expect(await listener.stop(100)).toBe(1);
    await c.closed;
    expect(c.pending).toBe(0);
  });
});

describe('Kafka listener: one budget of request bytes across connections', () => {
  const dispatcher = testDispatcher();
  // Room for one 600-byte request at a time, all connections together.
  const listener = new KafkaListener({
    dispatcher,
    maxFrameBytes: 64 * 1024,
    maxQueuedBytes: 1000,
    smallRequestHeadroomBytes: 0,
    log: () => {},
  });
  let port = 0;
  beforeAll(async () => {
    port = (await listener.listen('127.0.0.1', 0)).port;
  });
  afterAll(async () => {
    await listener.stop(1000);
  });

  it('holds a request back while others fill the budget, and takes it once they are answered', async () => {
    const [a, b] = [await TestClient.connect(port), await TestClient.connect(port)];
    try {
      a.send(testRequest('D', 1, 300, 600));
      await until(() => listener.queuedBytes > 0, 'the first request held');
      const handledBefore = dispatcher.handled;
      b.send(testRequest('E', 2, 0, 600));
      await sleep(100);
      expect(dispatcher.handled).toBe(handledBefore); // not read into the dispatcher: no room
      expect(listener.queuedBytes).toBeLessThanOrEqual(1000);
      const first = await a.next();
      expect(requestId(first)).toBe(1);
      expect(requestId(await b.next())).toBe(2); // taken once the first was answered
      await until(() => listener.queuedBytes === 0, 'the budget given back');
      // A request larger than the whole budget still goes through when nothing else is held.
      b.send(testRequest('E', 3, 0, 5000));
      expect(requestId(await b.next())).toBe(3);
    } finally {
      a.close();
      b.close();
    }
  });
});

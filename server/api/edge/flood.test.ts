import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Broker } from '@/server/broker';
import { testBroker, until } from '@/server/broker/testing';
import type { Principal } from '@/server/kernel/auth-types';
import { type AppServer, createAppServer } from '@/server/serve/app-server';
import { BodyBudget } from './body';
import { handleApiRequest } from './handler';
import { edgeLimits } from './limits';
import { answerStatus, type FloodSocket, floodSocket } from './raw-flood';

const SETUP: { principal: Principal; address: null } = {
  principal: { kind: 'anonymous', name: 'test-setup', role: 'admin', hidePayloads: false },
  address: null,
};
const PASSWORD = 'correct horse battery';
/** The default largest body: what the security review's sockets declared. */
const HUGE = 102_278_488;

/**
 * The edge under unauthenticated slow-body floods, with auth on, over real sockets against the real
 * server: a caller without credentials is refused before its body is read, public calls get a small
 * limit, stalled bodies are cut, and the budget is shared fairly between principals.
 */
describe('the HTTP edge under body floods (auth on)', () => {
  let broker: Broker;
  let app: AppServer;
  let port = 0;
  let base = '';
  let producerToken = '';
  let otherToken = '';
  // Small numbers, so the tests see the rules act in well under a second: 1 MiB bodies, 2 MiB budget.
  const limits = edgeLimits(
    {},
    { bodyBytes: 1024 * 1024, idleMs: 400, timeoutMs: 3_000, publicTimeoutMs: 1_500, budget: new BodyBudget(2 * 1024 * 1024, 1024 * 1024) },
  );
  testBroker('pglite', (env) => (broker = env.broker), { auth: { mode: 'on' } });
  beforeAll(async () => {
    await broker.auth.users.add({ name: 'ada', password: PASSWORD, role: 'admin' }, SETUP);
    producerToken = (await broker.auth.tokens.create({ name: 'loader', role: 'producer' }, SETUP)).token;
    otherToken = (await broker.auth.tokens.create({ name: 'other', role: 'producer' }, SETUP)).token;
    await broker.createTopic({ name: 'orders', partitions: 1 });
    app = createAppServer({ getBroker: async () => broker, next: async (_req, res) => void res.end('page'), edge: limits });
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    port = (app.server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await app?.close(100);
  });

  const call = (procedure: string, body: string | undefined, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/trpc/${procedure}`, {
      method: 'POST',
      body,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    });
  const login = () => call('auth.login', JSON.stringify({ username: 'ada', password: PASSWORD }));
  const produce = (token = producerToken) =>
    call('records.produce', JSON.stringify({ topic: 'orders', records: [{ value: 'hello' }] }), { authorization: `Bearer ${token}` });

  /** `n` sockets declaring the security review's body size, each sending `send` bytes and then nothing. */
  const flood = (n: number, procedure = 'records.produce', send = 256 * 1024, headers: Record<string, string> = {}) =>
    Array.from({ length: n }, () => floodSocket({ port, procedure, declared: HUGE, send, headers }));
  const end = (sockets: FloodSocket[]) => {
    for (const s of sockets) s.destroy();
  };

  it('refuses a body without credentials (401) before reading it, and closes the connection', async () => {
    const [socket] = flood(1, 'records.produce', 4 * 1024 * 1024);
    try {
      await until(() => answerStatus(socket.answer) !== null, 'an answer');
      expect(answerStatus(socket.answer)).toBe(401);
      const body = JSON.parse(
        socket.answer
          .slice(socket.answer.indexOf('\r\n\r\n') + 4)
          .split('\r\n')
          .find((l) => l.startsWith('{')) ?? '{}',
      );
      expect(body.error.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, kafka: { name: 'SASL_AUTHENTICATION_FAILED' } });
      expect(limits.budget.inUse + limits.publicBudget.inUse).toBe(0);
      // The connection ends (after a short linger that discards what still arrives), it does not wait for 100 MB.
      await socket.closed;
    } finally {
      socket.destroy();
    }
  });

  it.each([2, 10])(
    '%i unauthenticated sockets stalling huge bodies do not keep a login or a produce from succeeding within 2 s',
    async (n) => {
      const before = process.memoryUsage();
      const sockets = [...flood(n), ...flood(n, 'topics.create')];
      try {
        await until(() => sockets.every((s) => answerStatus(s.answer) !== null), 'the flood to be answered');
        expect(new Set(sockets.map((s) => answerStatus(s.answer)))).toEqual(new Set([401]));
        const started = Date.now();
        const [loggedIn, produced] = await Promise.all([login(), produce()]);
        const took = Date.now() - started;
        expect(loggedIn.status).toBe(200);
        expect(produced.status).toBe(200);
        expect(took).toBeLessThan(2_000);
        const after = process.memoryUsage();
        // Nothing of the flood is held: it was never read.
        expect(limits.budget.inUse + limits.publicBudget.inUse).toBe(0);
        const rssMb = (after.rss - before.rss) / 2 ** 20;
        console.log(
          `[flood ${n}+${n}] login+produce ${took} ms; RSS delta ${rssMb.toFixed(1)} MiB; heap delta ${((after.heapUsed - before.heapUsed) / 2 ** 20).toFixed(1)} MiB`,
        );
        expect(rssMb).toBeLessThan(64);
      } finally {
        end(sockets);
      }
    },
  );

  it('holds a public call (auth.login) to 16 KiB and cuts its stalled bodies at the idle timeout, returning the budget', async () => {
    const tooBig = floodSocket({ port, procedure: 'auth.login', declared: 16 * 1024 + 1, send: 0 });
    const stalled = Array.from({ length: 10 }, () => floodSocket({ port, procedure: 'auth.login', declared: 16 * 1024, send: 8 * 1024 }));
    try {
      await until(() => answerStatus(tooBig.answer) !== null, 'the 413');
      expect(answerStatus(tooBig.answer)).toBe(413);
      await until(() => limits.publicBudget.inUse === 10 * 16 * 1024, 'the stalled logins to be reserved');
      // The stalled logins hold only the public pool: a login still goes through meanwhile.
      expect((await login()).status).toBe(200);
      const started = Date.now();
      await until(() => stalled.every((s) => answerStatus(s.answer) === 408), 'the stalled bodies to be cut');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(stalled[0].answer).toContain('REQUEST_TIMED_OUT');
      expect(limits.publicBudget.inUse).toBe(0);
      await Promise.all(stalled.map((s) => s.closed));
    } finally {
      end([tooBig, ...stalled]);
    }
  });

  it("shares the budget per principal: one token's stalled bodies leave room for another's produce", async () => {
    const auth = { authorization: `Bearer ${producerToken}` };
    const first = floodSocket({ port, procedure: 'records.produce', declared: 1024 * 1024, send: 1024, headers: auth });
    try {
      await until(() => limits.budget.heldBy('principal:token:loader') === 1024 * 1024, 'the reservation');
      // Its share is one largest body: a second one of its own waits (503, retriable), never read.
      const second = floodSocket({ port, procedure: 'records.produce', declared: 512 * 1024, send: 0, headers: auth });
      await until(() => answerStatus(second.answer) !== null, 'the second answer');
      expect(answerStatus(second.answer)).toBe(503);
      expect(second.answer).toContain('THROTTLING_QUOTA_EXCEEDED');
      second.destroy();
      // Another principal still produces.
      expect((await produce(otherToken)).status).toBe(200);
      // The stalled one is cut at the idle timeout and its reservation comes back.
      await until(() => answerStatus(first.answer) === 408, 'the idle cut');
      expect(limits.budget.inUse).toBe(0);
    } finally {
      first.destroy();
    }
  });

  it('lets a legitimate large produce through: its Content-Length is reserved up front', async () => {
    const value = 'x'.repeat(700 * 1024);
    const res = await call('records.produce', JSON.stringify({ topic: 'orders', records: [{ value }] }), {
      authorization: `Bearer ${producerToken}`,
    });
    expect(res.status).toBe(200);
    expect(limits.budget.inUse).toBe(0);
  });

  it('admits bodies the same way on the web path (handleApiRequest): 401 before a byte is pulled; logout without a body', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled += 65_536;
          controller.enqueue(new Uint8Array(65_536).fill(0x20));
        },
      },
      { highWaterMark: 0 },
    );
    const req = new Request('http://localhost:3000/api/trpc/records.produce', {
      method: 'POST',
      body,
      headers: { host: 'localhost:3000', 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    const res = await handleApiRequest(req, async () => broker);
    expect(res.status).toBe(401);
    expect((await res.json()).error.data.kafka.name).toBe('SASL_AUTHENTICATION_FAILED');
    expect(pulled).toBe(0);
    const form = await handleApiRequest(
      new Request('http://localhost:3000/api/trpc/auth.login', {
        method: 'POST',
        body: 'a=1',
        headers: { host: 'localhost:3000', 'content-type': 'application/x-www-form-urlencoded' },
      }),
      async () => broker,
    );
    expect(form.status).toBe(415);
    const logout = await handleApiRequest(
      new Request('http://localhost:3000/api/trpc/auth.logout', { method: 'POST', headers: { host: 'localhost:3000' } }),
      async () => broker,
    );
    expect(logout.status).toBe(200);
  });

  it('answers 503 (retriable) without reading when the caller cannot be looked up', async () => {
    const down = createAppServer({
      getBroker: () => Promise.reject(new Error('engine down')),
      next: async (_q, r) => void r.end(),
      edge: limits,
    });
    await new Promise<void>((resolve) => down.server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(down.server.address() as AddressInfo).port}/api/trpc/records.produce`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(503);
      expect((await res.json()).error.data.kafka).toMatchObject({ retriable: true });
    } finally {
      await down.close(100);
    }
  });
});

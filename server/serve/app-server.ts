import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { EdgeLimits } from '@/server/api/edge/limits';
import { checkNodeOrigin, handleNodeApiRequest } from '@/server/api/edge/node-request';
import { EDGE_ERRORS, type EdgeRefusal, textRefusal } from '@/server/api/edge/respond';
import type { Broker } from '@/server/broker';
import { healthLive } from './health-live';
import { healthReady } from './health-ready';
import { metricsResponse } from './metrics';
import { sendWebResponse } from './node-bridge';

/** The console is never framed (clickjacking) and no response is content-sniffed: set here, for every answer. */
const SECURITY_HEADERS: Record<string, string> = {
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/**
 * Slow or idle clients cannot hold a socket: headers within 15 s, a whole request (body included) within
 * 2 min, an idle keep-alive connection 5 s; checked every 2 s (Node's default is 30 s). requestTimeout
 * covers receiving the request only, so long-polls and event streams (bounded by maxWaitMs and the
 * client) are not cut.
 */
export const SERVER_TIMEOUTS = {
  headersTimeout: 15_000,
  requestTimeout: 120_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 2_000,
} as const;

interface InFlight {
  /** Aborted when the client goes away or, for reads (long-polls, event streams), when the server stops. */
  controller: AbortController;
  read: boolean;
  /** Method and path, for the log when a request outlives the drain. */
  label: string;
  done: Promise<void>;
}

export interface AppServer {
  /** An https.Server with TLS (it is an http.Server with the same methods and events). */
  server: http.Server;
  /**
   * Stops accepting, ends long-polls, event streams and the engine's other waits (group calls), and
   * waits up to `drainMs` for in-flight requests.
   */
  close(drainMs: number): Promise<{ unfinished: string[] }>;
  /** With TLS: a new certificate and key for the connections accepted from now on (SIGHUP). */
  setCertificate(material: TlsCertificate): void;
}

/** PEM certificate chain and private key (server/serve/tls.ts reads and checks them). */
export interface TlsCertificate {
  cert: string | Buffer;
  key: string | Buffer;
}

/** A TLS client has this long to finish its handshake (Node's default is 2 min, longer than headersTimeout). */
const TLS_HANDSHAKE_MS = 10_000;

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * One HTTP server: the tRPC API, health and metrics served directly (behind the edge rules of
 * server/api/edge), everything else (pages, assets) handed to Next's request handler.
 */
export function createAppServer(options: {
  getBroker: () => Promise<Broker>;
  next: NodeHandler;
  tls?: TlsCertificate;
  /** The edge's body limits, budgets and timeouts (tests use small ones); default: from the environment. */
  edge?: EdgeLimits;
}): AppServer {
  const inFlight = new Set<InFlight>();
  let stopping = false;

  const plain: Record<string, (req: IncomingMessage) => Response | Promise<Response>> = {
    '/api/health': () => healthReady(),
    '/api/health/live': healthLive,
    '/api/metrics': async (req) => metricsResponse(nodeHeaders(req), await options.getBroker()),
  };

  const route = async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/api/trpc/')) {
      const response = await handleNodeApiRequest(req, signal, options.getBroker, options.edge);
      // Any answer given before the body was read (413, 403, 414, a busy 503, a 400) closes lingering.
      if (!req.complete) return refuseUnreadBody(req, res, response);
      return sendWebResponse(res, response);
    }
    const endpoint = Object.hasOwn(plain, path) ? plain[path] : undefined;
    // Pages get the same Host/Origin rules from proxy.ts, inside Next.
    if (!endpoint) return options.next(req, res);
    const refusal = checkNodeOrigin(req);
    if (refusal) return sendWebResponse(res, textRefusal(refusal));
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendWebResponse(res, new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
    return sendWebResponse(res, await endpoint(req));
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const malformed = checkRequestTarget(req);
    if (malformed) {
      res.setHeader('connection', 'close');
      return void sendWebResponse(res, textRefusal(malformed));
    }
    if (stopping) res.setHeader('connection', 'close');
    const controller = new AbortController();
    const read = req.method === 'GET' || req.method === 'HEAD';
    // Only a client gone before its answer ended aborts: aborting every finished request cost an
    // AbortError and a cascade through tRPC's combined signals per call, for nothing left to stop.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const entry: InFlight = { controller, read, label: `${req.method} ${(req.url ?? '/').split('?')[0]}`, done: Promise.resolve() };
    entry.done = route(req, res, controller.signal)
      .catch((err) => {
        console.error('[brook] request failed:', err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end();
      })
      .finally(() => inFlight.delete(entry));
    inFlight.add(entry);
    // A stopping server still answers what it accepted, but a read that would wait answers at once.
    if (stopping && read) controller.abort();
  };
  const server = options.tls ? httpsServer(options.tls, handler) : http.createServer({ ...SERVER_TIMEOUTS, keepAlive: true }, handler);

  // Upgraded sockets (Next's hot-reload websocket in dev) are not closed by closeAllConnections().
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (_req, socket) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });
  guardUpgrades(server);

  return {
    server,
    setCertificate(material) {
      if (!(server instanceof https.Server)) throw new Error('the HTTP server does not speak TLS');
      server.setSecureContext(pem(material));
    },
    async close(drainMs) {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Long-polls answer with what they have, event streams end: both follow their request's signal.
      for (const entry of inFlight) if (entry.read) entry.controller.abort();
      // Server-side waits of any call, a group join or sync among them, end too (the engine is up by now).
      void options.getBroker().then(
        (broker) => broker.wakeup.shutdown(),
        () => {},
      );
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), drainMs);
      });
      await Promise.race([Promise.all([...inFlight].map((e) => e.done)), deadline]);
      clearTimeout(timer);
      const unfinished = [...inFlight].map((e) => e.label);
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      return { unfinished };
    },
  };
}

/**
 * Requests every rule after this would misread: a request line in absolute form (`GET http://evil.example/login`,
 * which Next answered with a redirect to that other host) or `*`, and more than one Host header (Node keeps
 * the first; a proxy in front may have checked another). 400, with the connection closed.
 */
export function checkRequestTarget(req: IncomingMessage): EdgeRefusal | null {
  const url = req.url ?? '/';
  let hosts = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === 'host') hosts++;
  const reason = !url.startsWith('/')
    ? 'the request target must be a path (origin form), not an absolute URL or *'
    : hosts > 1
      ? 'it has more than one Host header'
      : null;
  if (!reason) return null;
  return { status: 400, trpcCode: 'BAD_REQUEST', kafka: EDGE_ERRORS.INVALID_REQUEST, message: `Bad request: ${reason}.` };
}

function nodeHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  return headers;
}

const pem = ({ cert, key }: TlsCertificate) => ({ cert, key });

/** https only, HTTP/1.1, with the same handler and timeouts (Next's handler takes https requests as they are). */
function httpsServer(material: TlsCertificate, handler: http.RequestListener): https.Server {
  const server = https.createServer({ ...SERVER_TIMEOUTS, keepAlive: true, handshakeTimeout: TLS_HANDSHAKE_MS, ...pem(material) }, handler);
  // A failed handshake (plain http to this port, a client that distrusts the certificate) closes that socket
  // only, without a log line: browsers abort handshakes routinely.
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  return server;
}

/**
 * A refused body the client may still be sending: answer, then discard what still arrives ("lingering
 * close", as nginx does). Closing a socket with unread data makes the kernel send a reset, and a reset
 * can wipe the answer from the client's buffer before it reads it (EPIPE or ECONNRESET instead of 413).
 * Discarded bytes are not kept; a body that ends within 2 s leaves a normal keep-alive connection, one
 * still arriving then is cut.
 */
async function refuseUnreadBody(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  const headers = new Headers(response.headers);
  headers.delete('connection');
  const socket = req.socket;
  // A body still arriving after 2 s is cut; one that ends sooner leaves a normal keep-alive connection.
  const timer = setTimeout(() => socket.destroy(), 2_000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  req.once('end', () => clearTimeout(timer));
  req.removeAllListeners('data');
  req.on('data', () => {}).resume();
  await sendWebResponse(res, new Response(response.body, { status: response.status, headers }));
}

/**
 * Websocket upgrades (Next's hot-reload socket in `npm run dev`) get the Host/Origin rules too: Next
 * adds its own 'upgrade' listener to this server on its first request, so the rules sit in front of
 * every listener, at the event itself. A websocket is not bound by the same-origin policy, so a page
 * of another site is refused by its Origin although the handshake is a GET (cross-site websocket
 * hijacking); a DNS-rebinding page by its Host.
 */
function guardUpgrades(server: http.Server): void {
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  server.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== 'upgrade') return emit(event, ...args);
    const [req, socket] = args as [IncomingMessage, Duplex];
    const refusal = checkNodeOrigin(req, 'UPGRADE');
    if (!refusal) return emit(event, ...args);
    const body = `${refusal.message}\n`;
    const reason = http.STATUS_CODES[refusal.status] ?? 'Refused';
    socket.end(
      `HTTP/1.1 ${refusal.status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    return true;
  }) as typeof server.emit;
}

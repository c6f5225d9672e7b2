import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Context } from '../trpc';
import { BodyCollector, checkUrl, type ReadBody } from './body';
import { admission, callerBeforeBody } from './caller';
import { forwardedHttps, type RequestFacts } from './credentials';
import { isHttps } from './forwarded';
import { defaultEdgeLimits } from './guard';
import { clientHost, serveTrpc } from './handler';
import { checkHost, checkOrigin, currentHostRules, sessionCookieSent } from './hosts';
import { DEFAULT_BODY_IDLE_MS, DEFAULT_BODY_TIMEOUT_MS, type EdgeLimits } from './limits';
import { checkJsonBody } from './media-type';
import { EDGE_ERRORS, type EdgeRefusal, trpcRefusal } from './respond';

/**
 * The API's edge on Node's request itself, as server/serve/app-server.ts serves it: the same rules as
 * guardApiRequest (Host and Origin, URL and body limits, the shared body budget, strict UTF-8), read from
 * Node's parsed headers and socket, and then one web Request for tRPC, built without a body stream and
 * without a second AbortSignal following ours. A web Request with a body and a signal costs about 7x one
 * with neither (undici's extractBody, the signal's follow listener and finalizer); a single-record
 * produce paid for two of them.
 *
 * A body is read only after its caller is known (callerBeforeBody): with auth on, a caller without valid
 * credentials is refused before its body unless every procedure it names is public, and then it gets a
 * small limit, a pool of its own and a short deadline (EdgeLimits).
 */
export async function handleNodeApiRequest(
  req: IncomingMessage,
  signal: AbortSignal,
  broker: () => Promise<Context['broker']>,
  limits: EdgeLimits = defaultEdgeLimits(),
): Promise<Response> {
  const url = nodeRequestUrl(req);
  const method = req.method ?? 'GET';
  const refusal = checkMethod(method) ?? checkNodeOrigin(req) ?? checkUrl(url);
  if (refusal) return trpcRefusal({ url }, refusal);
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    // The body is read here: its framing headers no longer describe what tRPC reads.
    if (name !== 'content-length' && name !== 'transfer-encoding') headers.append(name, raw[i + 1]);
  }
  const facts = nodeFacts(req, headers);
  if (method === 'GET' || method === 'HEAD') {
    const request = new Request(url, { method, headers });
    // The server's own signal (client gone, shutdown) instead of undici's copy that follows it.
    Object.defineProperty(request, 'signal', { value: signal });
    return serveTrpc(request, noop, broker, { facts });
  }

  const media = checkMediaType(req);
  if (media) return trpcRefusal({ url }, media);
  const caller = await callerBeforeBody(url, headers, facts, broker);
  if ('refusal' in caller) return trpcRefusal({ url }, caller.refusal);
  const admitted = admission(caller, facts, limits);
  const collector = new BodyCollector(admitted.limit, admitted.budget, admitted.key);
  const read = await readNodeBody(req, collector, { idleMs: limits.idleMs, timeoutMs: admitted.timeoutMs });
  // app-server answers a refusal given before the whole body arrived, then discards the rest (lingering close).
  if ('refusal' in read) return trpcRefusal({ url }, read.refusal);
  // A mutation without a body (auth.logout from a client that sends no content type) is a JSON call without input.
  headers.set('content-type', 'application/json');
  const request = new Request(url, { method, headers });
  // The server's own signal (client gone, shutdown) instead of undici's copy that follows it.
  Object.defineProperty(request, 'signal', { value: signal });
  // tRPC reads a JSON body with json(): the bytes in hand, parsed once (an empty body is no input).
  Object.defineProperty(request, 'json', { value: async () => (read.bytes.byteLength === 0 ? undefined : JSON.parse(read.text)) });
  return serveTrpc(request, read.release, broker, { facts, context: caller.context });
}

/** A request body is coming: a Content-Length above 0, or chunked. */
const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

const checkMediaType = (req: IncomingMessage) => checkJsonBody(req.headers['content-type'], hasBody(req));

/** The socket's peer is the address (X-Forwarded-For can be anything a client writes: not for login limits). */
function nodeFacts(req: IncomingMessage, headers: Headers): RequestFacts {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  return { address: req.socket.remoteAddress ?? null, secure: encrypted || forwardedHttps(headers), clientHost: clientHost(headers) };
}

const noop = () => {};

/** The web Request's URL: https over TLS (BROOK_TLS_CERT), which the context reads as `secure` (Secure cookies). */
export function nodeRequestUrl(req: IncomingMessage): string {
  const scheme = (req.socket as TLSSocket).encrypted === true ? 'https' : 'http';
  return `${scheme}://localhost${req.url ?? '/'}`;
}

/** tRPC answers GET (queries, subscriptions) and POST (mutations); a web Request cannot even carry TRACE or CONNECT. */
const API_METHODS = new Set(['GET', 'HEAD', 'POST', 'OPTIONS']);

function checkMethod(method: string): EdgeRefusal | null {
  if (API_METHODS.has(method)) return null;
  return {
    status: 405,
    trpcCode: 'METHOD_NOT_SUPPORTED',
    kafka: EDGE_ERRORS.INVALID_REQUEST,
    message: `The API does not answer ${method.slice(0, 20)} requests: queries are GET, mutations POST.`,
  };
}

const header = (req: IncomingMessage, name: string): string | null => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
};

/** checkRequestOrigin on Node's parsed headers; `method` overrides the request's (UPGRADE for websockets). */
export function checkNodeOrigin(req: IncomingMessage, method = req.method ?? 'GET'): EdgeRefusal | null {
  const rules = currentHostRules();
  return (
    checkHost(rules, header(req, 'host')) ??
    checkOrigin(rules, {
      method,
      origin: header(req, 'origin'),
      secFetchSite: header(req, 'sec-fetch-site'),
      host: header(req, 'host'),
      secure: (req.socket as { encrypted?: boolean }).encrypted === true || isHttps(header(req, 'x-forwarded-proto')),
      cookie: sessionCookieSent(req.headers.cookie, req.headers.authorization),
    })
  );
}

const timedOut = (what: string, ms: number, received: number): EdgeRefusal => ({
  status: 408,
  trpcCode: 'TIMEOUT',
  kafka: EDGE_ERRORS.REQUEST_TIMED_OUT,
  message: `Request body ${what} ${ms} ms (${received} bytes received); it was cut. Send the body without pauses.`,
});

/**
 * Reads Node's request body through the collector. A refused body stops being read at once (the socket
 * is paused; app-server answers and then discards the rest, its lingering close); a client that goes
 * away mid-body fails the read. A body that sends nothing for `idleMs`, or has not ended after
 * `timeoutMs`, is refused with 408 and its bytes leave the budget at once.
 */
export function readNodeBody(
  req: IncomingMessage,
  collector: BodyCollector,
  time: { idleMs: number; timeoutMs: number } = { idleMs: DEFAULT_BODY_IDLE_MS, timeoutMs: DEFAULT_BODY_TIMEOUT_MS },
): Promise<ReadBody | { refusal: EdgeRefusal }> {
  const declared = req.headers['content-length'];
  const tooLarge = collector.checkDeclared(declared);
  if (tooLarge) return Promise.resolve({ refusal: tooLarge });
  // Reserved before reading: a body let in is not refused halfway for want of budget.
  const busy = declared !== undefined ? collector.reserve(Number(declared)) : null;
  if (busy) return Promise.resolve({ refusal: busy });
  // Not `req.complete`: that says the body has arrived, while its bytes may still wait in the stream's buffer.
  if (req.readableEnded) return Promise.resolve(collector.finish());
  return new Promise((resolve, reject) => {
    let idle: NodeJS.Timeout | undefined;
    const stop = () => {
      clearTimeout(idle);
      clearTimeout(deadline);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const refuse = (refusal: EdgeRefusal) => {
      stop();
      req.pause();
      collector.release();
      resolve({ refusal });
    };
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => refuse(timedOut('sent nothing for', time.idleMs, collector.received)), time.idleMs);
    };
    const deadline = setTimeout(() => refuse(timedOut('did not end within', time.timeoutMs, collector.received)), time.timeoutMs);
    const onData = (chunk: Buffer) => {
      armIdle();
      const refusal = collector.add(chunk);
      if (refusal) refuse(refusal);
    };
    const onEnd = () => {
      stop();
      resolve(collector.finish());
    };
    const onError = (err: Error) => {
      stop();
      collector.release();
      reject(err);
    };
    const onClose = () => onError(new Error('The client closed the connection before its request body ended.'));
    armIdle();
    req.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}

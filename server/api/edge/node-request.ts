import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Context } from '../trpc';
import { BodyCollector, checkUrl, type ReadBody } from './body';
import { forwardedHttps, type RequestFacts } from './credentials';
import { bodyBudget, bodyLimit } from './guard';
import { clientHost, serveTrpc } from './handler';
import { checkHost, checkOrigin, currentHostRules } from './hosts';
import { EDGE_ERRORS, type EdgeRefusal, trpcRefusal } from './respond';

/**
 * The API's edge on Node's request itself, as server/serve/app-server.ts serves it: the same rules as
 * guardApiRequest (Host and Origin, URL and body limits, the shared body budget, strict UTF-8), read from
 * Node's parsed headers and socket, and then one web Request for tRPC, built without a body stream and
 * without a second AbortSignal following ours. A web Request with a body and a signal costs about 7x one
 * with neither (undici's extractBody, the signal's follow listener and finalizer); a single-record
 * produce paid for two of them.
 */
export async function handleNodeApiRequest(
  req: IncomingMessage,
  signal: AbortSignal,
  broker: () => Promise<Context['broker']>,
): Promise<Response> {
  const url = nodeRequestUrl(req);
  const method = req.method ?? 'GET';
  const refusal = checkMethod(method) ?? checkNodeOrigin(req) ?? checkUrl(url);
  if (refusal) return trpcRefusal({ url }, refusal);
  let body: ReadBody | null = null;
  if (method !== 'GET' && method !== 'HEAD') {
    const read = await readNodeBody(req, new BodyCollector(bodyLimit, bodyBudget));
    // The unread rest of a refused body is not worth reading: close the connection after answering.
    if ('refusal' in read) return trpcRefusal({ url }, read.refusal, read.refusal.status === 413 ? { connection: 'close' } : {});
    body = read;
  }
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    // The body is in hand: its framing headers no longer describe what tRPC reads.
    if (name !== 'content-length' && name !== 'transfer-encoding') headers.append(name, raw[i + 1]);
  }
  // tRPC reads a JSON body with json(), given the bytes in hand; other media types (which it refuses
  // or hands to the procedure as they are) still get the bytes as the Request's body.
  const json = body !== null && isJson(headers.get('content-type'));
  const init: RequestInit = { method, headers };
  if (body !== null && !json) init.body = body.bytes as Uint8Array<ArrayBuffer>;
  const request = new Request(url, init);
  // The server's own signal (client gone, shutdown) instead of undici's copy that follows it.
  Object.defineProperty(request, 'signal', { value: signal });
  if (json && body) {
    const { text } = body;
    Object.defineProperty(request, 'json', { value: async () => JSON.parse(text) });
  }
  return serveTrpc(request, body?.release ?? noop, broker, { facts: nodeFacts(req, headers) });
}

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

/** tRPC's own test: the media type before any parameters, case-insensitive. */
const isJson = (contentType: string | null) => contentType?.split(';', 1)[0].trim().toLowerCase() === 'application/json';

const header = (req: IncomingMessage, name: string): string | null => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
};

/** checkRequestOrigin on Node's parsed headers. */
export function checkNodeOrigin(req: IncomingMessage): EdgeRefusal | null {
  const rules = currentHostRules();
  return (
    checkHost(rules, header(req, 'host')) ??
    checkOrigin(rules, { method: req.method ?? 'GET', origin: header(req, 'origin'), secFetchSite: header(req, 'sec-fetch-site') })
  );
}

/**
 * Reads Node's request body through the collector. A refused body stops being read at once (the socket
 * is paused; app-server answers and then discards the rest, its lingering close); a client that goes
 * away mid-body fails the read.
 */
export function readNodeBody(req: IncomingMessage, collector: BodyCollector): Promise<ReadBody | { refusal: EdgeRefusal }> {
  const declared = collector.checkDeclared(req.headers['content-length']);
  if (declared) return Promise.resolve({ refusal: declared });
  return new Promise((resolve, reject) => {
    const stop = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      const refusal = collector.add(chunk);
      if (!refusal) return;
      stop();
      req.pause();
      resolve({ refusal });
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
    req.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}

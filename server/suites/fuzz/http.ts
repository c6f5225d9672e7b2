import { handleApiRequest } from '@/server/api/edge/handler';
import type { Broker } from '@/server/broker';
import { fail } from './oracle';

/** A request as the fuzzer sends it through the API's edge (what server/main.ts serves). */
export interface FuzzRequest {
  method: string;
  /** Path and query after the origin, e.g. `/api/trpc/topics.get?input=...`. */
  target: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
  /** The request was cut by the client (a long poll or a stream) after the case's time. */
  cut: boolean;
}

/** How long a case may run before the client leaves (a long poll may wait 30 s), and how long after that it must end. */
export const CLIENT_PATIENCE_MS = 1_500;
export const HANG_MS = 10_000;

const sleep = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());

/**
 * Sends one request through handleApiRequest; streams (subscriptions) are read for a moment and closed.
 * A request the server neither answers nor gives up HANG_MS after the client left fails the case.
 */
export async function send(broker: Broker, req: FuzzRequest): Promise<FuzzResponse> {
  const controller = new AbortController();
  const headers = new Headers({ host: 'localhost:3000', ...req.headers });
  let request: Request;
  try {
    request = new Request(`http://localhost:3000${req.target}`, {
      method: req.method,
      headers,
      body: req.body as BodyInit | undefined,
      signal: controller.signal,
    });
  } catch (err) {
    // Node itself refuses to build it (e.g. a header value with a newline): no server would see it.
    return { status: 0, contentType: '', text: String(err), cut: false };
  }
  const pending = handleApiRequest(request, async () => broker);
  let first = await Promise.race([pending, sleep(CLIENT_PATIENCE_MS)]);
  let cut = false;
  if (first === 'timeout') {
    cut = true;
    controller.abort();
    first = await Promise.race([pending, sleep(HANG_MS)]);
    if (first === 'timeout') fail(`no answer ${HANG_MS} ms after the client left (${req.method} ${req.target.slice(0, 200)})`);
  }
  const res = first;
  const contentType = res.headers.get('content-type') ?? '';
  if (contentType.startsWith('text/event-stream'))
    return { status: res.status, contentType, text: await readStream(res, controller), cut: true };
  const text = await Promise.race([res.text(), sleep(HANG_MS)]);
  if (text === 'timeout') fail(`the body of HTTP ${res.status} never ended (${req.method} ${req.target.slice(0, 200)})`);
  return { status: res.status, contentType, text, cut };
}

/** The first events of a stream (up to 300 ms), then the client leaves; the stream must end when it does. */
async function readStream(res: Response, controller: AbortController): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 300;
  while (Date.now() < deadline && text.length < 100_000) {
    const chunk = await Promise.race([reader.read(), sleep(Math.max(1, deadline - Date.now()))]);
    if (chunk === 'timeout' || chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  controller.abort();
  const closed = await Promise.race([reader.cancel().then(() => 'closed' as const), sleep(HANG_MS)]);
  if (closed === 'timeout') fail('a stream did not close after the client left');
  return text;
}

import { type BodyBudget, checkUrl, readBody } from './body';
import { checkRequestOrigin, currentHostRules } from './hosts';
import { type EdgeLimits, edgeLimits } from './limits';
import { type EdgeRefusal, trpcRefusal } from './respond';

let limits: EdgeLimits | undefined;

/**
 * The edge's limits (BROOK_MAX_BODY_BYTES, BROOK_BODY_IDLE_MS, BROOK_BODY_TIMEOUT_MS), read when first
 * needed, not when this module loads: the server validates its environment at start-up and says what
 * is wrong in one line. The budget: two bodies of the largest size at once (about 195 MiB by default),
 * one at most per principal or address.
 */
export function defaultEdgeLimits(): EdgeLimits {
  limits ??= edgeLimits();
  return limits;
}

/** Whether and how much of a body to read, decided from the headers before reading (handler.ts). */
export type Admission = { refusal: EdgeRefusal } | { limit: number; budget: BodyBudget; key: string };

/**
 * The API's edge, before tRPC: Host and Origin rules, URL and body limits, strict UTF-8. Returns a
 * refusal to send, or the request to hand to tRPC (its body already read, within the limit).
 */
export async function guardApiRequest(
  req: Request,
  budget: BodyBudget = defaultEdgeLimits().budget,
  admit?: () => Promise<Admission>,
): Promise<{ response: Response } | { request: Request; release: () => void }> {
  const refusal = checkRequestOrigin(currentHostRules(), req) ?? checkUrl(req.url);
  if (refusal) {
    await req.body?.cancel().catch(() => {});
    return { response: trpcRefusal(req, refusal) };
  }
  if (req.method === 'GET' || req.method === 'HEAD') return { request: req, release: () => {} };
  let limit = defaultEdgeLimits().bodyBytes;
  let key = '';
  if (admit) {
    const admitted = await admit();
    if ('refusal' in admitted) {
      await req.body?.cancel().catch(() => {});
      return { response: trpcRefusal(req, admitted.refusal) };
    }
    ({ limit, budget, key } = admitted);
  }
  if (!req.body) return { request: req, release: () => {} };
  const body = await readBody(req, limit, budget, key);
  // The unread rest of a refused body is not worth reading: close the connection after answering.
  if ('refusal' in body) return { response: trpcRefusal(req, body.refusal, body.refusal.status === 413 ? { connection: 'close' } : {}) };
  const headers = new Headers(req.headers);
  headers.delete('content-length');
  headers.delete('transfer-encoding');
  const request = new Request(req.url, { method: req.method, headers, body: body.bytes as Uint8Array<ArrayBuffer>, signal: req.signal });
  // tRPC reads a JSON body with json(): parse the bytes in hand, instead of the Request pulling them
  // through its stream into another copy first (a 1000-record produce is about 130 KB).
  Object.defineProperty(request, 'json', { value: async () => JSON.parse(body.text) });
  return { request, release: body.release };
}

import { isUtf8 } from 'node:buffer';
import { MAX_RECORDS_PER_REQUEST, MAX_REQUEST_BYTES } from '@/server/broker/produce';
import { type BrookEnv, brookEnv } from '@/server/env';
import { EDGE_ERRORS, type EdgeRefusal } from './respond';

/**
 * The largest request body the API reads, derived from the largest valid produce request: 64 MiB of
 * record bytes (MAX_REQUEST_BYTES) sent as base64 (4/3 larger: 89,478,488 bytes) plus JSON framing of
 * up to 128 bytes for each of 100,000 records (12,800,000): 102,278,488 bytes (97.5 MiB).
 * BROOK_MAX_BODY_BYTES overrides it.
 */
export const DEFAULT_MAX_BODY_BYTES = Math.ceil(MAX_REQUEST_BYTES / 3) * 4 + MAX_RECORDS_PER_REQUEST * 128;

/**
 * Longest request URL (queries travel in it as ?input=<json>). Node already refuses request lines and
 * headers over 16 KiB (431); this states the API's own limit where Node's is raised.
 */
export const MAX_URL_BYTES = 16 * 1024;

export function maxBodyBytes(env: Pick<BrookEnv, 'BROOK_MAX_BODY_BYTES'> = brookEnv()): number {
  return env.BROOK_MAX_BODY_BYTES ?? DEFAULT_MAX_BODY_BYTES;
}

const tooLarge = (limit: number, declared: string | null): EdgeRefusal => ({
  status: 413,
  trpcCode: 'PAYLOAD_TOO_LARGE',
  kafka: EDGE_ERRORS.RECORD_LIST_TOO_LARGE,
  message: `Request body ${declared === null ? 'is' : `is ${declared} bytes (Content-Length),`} more than the limit of ${limit} bytes (BROOK_MAX_BODY_BYTES); it was not read${declared === null ? ' further' : ''}. Split the records over several produce requests.`,
});

export function checkUrl(url: string): EdgeRefusal | null {
  if (url.length <= MAX_URL_BYTES) return null;
  return {
    status: 414,
    trpcCode: 'BAD_REQUEST',
    kafka: EDGE_ERRORS.INVALID_REQUEST,
    message: `Request URL is ${url.length} characters long; the limit is ${MAX_URL_BYTES}. Send large inputs as a POST body.`,
  };
}

/**
 * Request bodies held in memory at once, across requests: the per-request limit alone lets N large
 * bodies take N times it. Past the budget a request is refused as retriable (503), never read.
 *
 * Shared fairly: bytes are held under a key (a principal, or an address for callers without one), and one
 * key may hold at most its share, max(`minShare`, bytes / (other keys holding bytes + 2)). The "+ 2"
 * counts the key itself and one newcomer, so however many bodies one key opens, part of the budget is
 * always left for a key that holds nothing yet: with the default budget of two largest bodies, a key
 * holds at most one largest body.
 */
export class BodyBudget {
  private used = 0;
  private readonly byKey = new Map<string, number>();
  constructor(
    readonly bytes: number,
    readonly minShare = bytes,
  ) {}

  /** The most `key` may hold now. */
  shareOf(key: string): number {
    const others = this.byKey.size - (this.byKey.has(key) ? 1 : 0);
    return Math.min(this.bytes, Math.max(this.minShare, Math.floor(this.bytes / (others + 2))));
  }

  /** Takes `n` bytes for `key` if they fit in the budget and in its share; false otherwise. */
  take(n: number, key = ''): boolean {
    const held = this.byKey.get(key) ?? 0;
    if (this.used + n > this.bytes || held + n > this.shareOf(key)) return false;
    this.used += n;
    if (n > 0) this.byKey.set(key, held + n);
    return true;
  }

  give(n: number, key = ''): void {
    const held = this.byKey.get(key) ?? 0;
    const back = Math.min(n, held);
    this.used = Math.max(0, this.used - back);
    if (held - back > 0) this.byKey.set(key, held - back);
    else this.byKey.delete(key);
  }

  get inUse(): number {
    return this.used;
  }

  heldBy(key: string): number {
    return this.byKey.get(key) ?? 0;
  }
}

const busy = (budget: BodyBudget, key: string): EdgeRefusal => ({
  status: 503,
  trpcCode: 'SERVICE_UNAVAILABLE',
  kafka: EDGE_ERRORS.THROTTLING_QUOTA_EXCEEDED,
  message:
    budget.heldBy(key) > 0
      ? `Your other requests hold ${budget.heldBy(key)} bytes of request bodies, your share of ${budget.shareOf(key)}; retry when they are answered.`
      : `The server is reading ${budget.inUse} bytes of other request bodies (budget ${budget.bytes}); retry shortly.`,
});

/** A body that passed the edge: its bytes (checked to be UTF-8) for tRPC, and `text` for readers. */
export interface ReadBody {
  bytes: Uint8Array;
  readonly text: string;
  release: () => void;
}

const readBodyOf = (bytes: Uint8Array, release: () => void): ReadBody => ({
  bytes,
  get text() {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  },
  release,
});

/**
 * Collects a body's chunks within the per-request limit and the shared budget; one home for both
 * readers (a web Request's stream, Node's request). `add` refuses as soon as the bytes read so far pass
 * `limit` (the caller then stops reading, so the rest is never pulled); `finish` refuses bytes that are
 * not UTF-8 instead of letting a decoder replace them with U+FFFD, which would store different bytes
 * than were sent.
 */
export class BodyCollector {
  private chunks: Uint8Array[] = [];
  private total = 0;
  // The bytes held count against the shared budget until the caller has answered (`release`).
  private held = 0;
  constructor(
    private readonly limit: number,
    private readonly budget?: BodyBudget,
    private readonly key = '',
  ) {}

  /**
   * Takes a declared Content-Length from the budget before reading, so a body that was let in is never
   * refused halfway for want of budget; the chunks then count against what was reserved.
   */
  reserve(declared: number): EdgeRefusal | null {
    if (!this.budget || declared <= this.held) return null;
    if (!this.budget.take(declared - this.held, this.key)) return busy(this.budget, this.key);
    this.held = declared;
    return null;
  }

  /** A refusal on a Content-Length over the limit, before anything is read. */
  checkDeclared(declared: string | null | undefined): EdgeRefusal | null {
    return declared != null && Number(declared) > this.limit ? tooLarge(this.limit, declared) : null;
  }

  add(chunk: Uint8Array): EdgeRefusal | null {
    this.total += chunk.byteLength;
    if (this.total > this.limit) {
      this.release();
      return tooLarge(this.limit, null);
    }
    const more = this.total - this.held;
    if (this.budget && more > 0) {
      if (!this.budget.take(more, this.key)) {
        const refusal = busy(this.budget, this.key);
        this.release();
        return refusal;
      }
      this.held += more;
    }
    this.chunks.push(chunk);
    return null;
  }

  finish(): ReadBody | { refusal: EdgeRefusal } {
    const { chunks } = this;
    const bytes = chunks.length === 1 ? chunks[0] : chunks.length === 0 ? new Uint8Array(0) : Buffer.concat(chunks, this.total);
    this.chunks = [];
    // Validated in place (no string built): tRPC parses these same bytes, so nothing is decoded twice.
    if (isUtf8(bytes)) return readBodyOf(bytes, this.release);
    this.release();
    return {
      refusal: {
        status: 400,
        trpcCode: 'BAD_REQUEST',
        kafka: EDGE_ERRORS.INVALID_REQUEST,
        message: 'Request body is not valid UTF-8. Send binary keys, values and header values with "encoding": "base64".',
      },
    };
  }

  readonly release = () => {
    this.budget?.give(this.held, this.key);
    this.held = 0;
  };

  /** Bytes read so far. */
  get received(): number {
    return this.total;
  }
}

/** Reads a web Request's body through a BodyCollector (tests, the Next reference route, in-process callers). */
export async function readBody(req: Request, limit: number, budget?: BodyBudget, key = ''): Promise<ReadBody | { refusal: EdgeRefusal }> {
  const collector = new BodyCollector(limit, budget, key);
  const declared = collector.checkDeclared(req.headers.get('content-length'));
  if (declared) {
    await req.body?.cancel().catch(() => {});
    return { refusal: declared };
  }
  if (!req.body) return readBodyOf(new Uint8Array(0), () => {});
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const refusal = collector.add(value);
    if (refusal) {
      await reader.cancel().catch(() => {});
      return { refusal };
    }
  }
  return collector.finish();
}

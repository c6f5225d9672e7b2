import { KAFKA_ERRORS } from '@/server/broker/errors';

/** A broken promise of the API: the case fails with this message (fast-check then shrinks the input). */
export class OracleFailure extends Error {}

export function fail(message: string): never {
  throw new OracleFailure(message);
}

/**
 * Process-level trouble while the fuzzer runs: unhandled rejections, uncaught exceptions and the server's
 * own "failed (id …)" log lines. Each case checks that nothing new arrived while it ran.
 */
export class ProcessWatch {
  private readonly events: string[] = [];
  private readonly onRejection = (reason: unknown) => this.events.push(`unhandled rejection: ${showThrown(reason)}`);
  private readonly onException = (err: unknown) => this.events.push(`uncaught exception: ${showThrown(err)}`);
  private originalError: typeof console.error | null = null;
  /** Lines the server logged; kept for the report, shown when a case fails. */
  readonly logged: string[] = [];

  start(): void {
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
    this.originalError = console.error;
    console.error = (...args: unknown[]) => {
      this.logged.push(args.map(showThrown).join(' '));
      if (this.logged.length > 1000) this.logged.splice(0, 500);
    };
  }

  stop(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
    if (this.originalError) console.error = this.originalError;
  }

  /** Marks where a case starts; `check` then fails on anything that arrived since. */
  mark(): { events: number; logged: number } {
    return { events: this.events.length, logged: this.logged.length };
  }

  check(since: { events: number; logged: number }): void {
    const events = this.events.slice(since.events);
    if (events.length) fail(events.join('; '));
    const lines = this.logged.slice(since.logged).filter((l) => /failed|error/i.test(l));
    if (lines.length) fail(`the server logged: ${lines.join(' | ').slice(0, 2000)}`);
  }

  get total(): number {
    return this.events.length;
  }
}

function showThrown(v: unknown): string {
  if (v instanceof Error) return `${v.name}: ${v.message}${v.stack ? `\n${v.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

const KAFKA_NAMES = new Set(Object.keys(KAFKA_ERRORS));

/**
 * One tRPC error as Brook must answer it: message, numeric code, data.code, data.httpStatus equal to the
 * response's status, and data.kafka with a known Kafka error name, its code and retriability.
 */
export function checkErrorShape(error: unknown, status: number): void {
  const e = error as { message?: unknown; code?: unknown; data?: { code?: unknown; httpStatus?: unknown; kafka?: unknown } } | null;
  if (!e || typeof e !== 'object') fail(`error is not an object: ${JSON.stringify(error)}`);
  if (typeof e.message !== 'string' || e.message.length === 0) fail(`error without a message: ${JSON.stringify(error)}`);
  if (typeof e.code !== 'number') fail(`error without a numeric code: ${JSON.stringify(error)}`);
  if (!e.data || typeof e.data.code !== 'string') fail(`error without data.code: ${JSON.stringify(error)}`);
  if (e.data.httpStatus !== status) fail(`data.httpStatus ${String(e.data.httpStatus)} but HTTP ${status}`);
  const kafka = e.data.kafka as { name?: unknown; code?: unknown; retriable?: unknown } | null | undefined;
  if (!kafka || typeof kafka !== 'object')
    fail(`HTTP ${status} ${e.data.code} without a Kafka error name (data.kafka ${JSON.stringify(kafka)})`);
  if (typeof kafka.name !== 'string' || !KAFKA_NAMES.has(kafka.name)) fail(`unknown Kafka error name ${JSON.stringify(kafka.name)}`);
  const known = KAFKA_ERRORS[kafka.name as keyof typeof KAFKA_ERRORS];
  if (kafka.code !== known.code) fail(`Kafka ${kafka.name} with code ${String(kafka.code)} (expected ${known.code})`);
  if (typeof kafka.retriable !== 'boolean') fail(`Kafka ${kafka.name} without retriable`);
  if (status >= 500 && !(status === 503 && kafka.retriable)) fail(`HTTP ${status} ${kafka.name}: ${e.message}`);
}

/** HTTP status and JSON body of a (non-streaming) tRPC answer; `batch` expects an array of results. */
export function checkTrpcAnswer(status: number, text: string, batch: number): void {
  if (status >= 500 && status !== 503) fail(`HTTP ${status}: ${text.slice(0, 500)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    fail(`HTTP ${status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 300))}`);
  }
  const items = batch > 0 && Array.isArray(body) ? body : [body];
  if (batch > 0 && !Array.isArray(body) && status < 400) fail(`a batch answered with ${text.slice(0, 200)}`);
  for (const item of items) {
    const answer = item as { result?: unknown; error?: unknown } | null;
    if (!answer || typeof answer !== 'object' || (!('result' in answer) && !('error' in answer)))
      fail(`neither result nor error: ${text.slice(0, 300)}`);
    // A batch's status is the worst of its items'; each error carries its own httpStatus.
    if (answer.error) {
      const own = (answer.error as { data?: { httpStatus?: unknown } }).data?.httpStatus;
      checkErrorShape(answer.error, batch > 0 && typeof own === 'number' ? own : status);
    }
  }
  if (status >= 400 && !items.some((i) => (i as { error?: unknown }).error)) fail(`HTTP ${status} without an error: ${text.slice(0, 300)}`);
}

import fc from 'fast-check';
import { appRouter } from '@/server/api/root';
import { type FuzzResponse, send } from './http';
import { checkErrorShape, checkTrpcAnswer, fail } from './oracle';
import { inputSchema, nearValidArbitrary } from './schema-arbitrary';
import type { CaseOutcome, FuzzEnv, Target } from './target';
import { describeValue, hostileValue, toJson } from './values';

export type ProcedureType = 'query' | 'mutation' | 'subscription';

export interface ProcedureInfo {
  path: string;
  type: ProcedureType;
  /** The zod input parser, if the procedure has one. */
  input: unknown;
}

/** Every procedure of appRouter (new routers and procedures are fuzzed without a change here). */
export function procedures(): ProcedureInfo[] {
  const all = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: ProcedureType; inputs?: unknown[] } }> } })._def
    .procedures;
  return Object.entries(all).map(([path, p]) => ({ path, type: p._def.type, input: p._def.inputs?.[0] }));
}

/** The shop and the tour run real clients in this process: each case stops them before the digest. */
const WORKER_ROUTERS = new Set(['shop', 'learn']);

const NONE = Symbol('no input');
type Transport = 'right' | 'wrong' | 'batch';

export interface TrpcCase {
  input: unknown;
  transport: Transport;
}

const methodFor = (type: ProcedureType, transport: Transport) => {
  const right = type === 'mutation' ? 'POST' : 'GET';
  return transport === 'wrong' ? (right === 'GET' ? 'POST' : 'GET') : right;
};

/** The request curl would make: GET with ?input= for queries and subscriptions, POST with a JSON body for mutations. */
export function trpcRequest(p: ProcedureInfo, c: TrpcCase, headers: Record<string, string>) {
  const method = methodFor(p.type, c.transport);
  const batch = c.transport === 'batch';
  const path = batch ? `${p.path},${p.path}` : p.path;
  const input = c.input === NONE ? undefined : batch ? { 0: c.input, 1: c.input } : c.input;
  const query = new URLSearchParams();
  if (batch) query.set('batch', '1');
  if (method === 'GET' && input !== undefined) query.set('input', toJson(input));
  const qs = query.toString();
  return {
    method,
    target: `/api/trpc/${path}${qs ? `?${qs}` : ''}`,
    headers: { 'content-type': 'application/json', ...headers },
    body: method === 'POST' && input !== undefined ? toJson(input) : undefined,
  };
}

/** Checks a Server-Sent Events answer: no 5xx, and any error event well-formed. */
function checkStream(res: FuzzResponse): void {
  if (res.status >= 500) fail(`stream answered HTTP ${res.status}`);
  for (const block of res.text.split('\n\n')) {
    if (!/^event: serialized-error$/m.test(block)) continue;
    const data = block.match(/^data: (.*)$/m)?.[1];
    if (!data) fail(`an error event without data: ${block.slice(0, 200)}`);
    const error = JSON.parse(data) as { data?: { httpStatus?: number } };
    checkErrorShape(error, error.data?.httpStatus ?? 0);
  }
}

export function outcomeOf(res: FuzzResponse): CaseOutcome {
  let name = '';
  try {
    const body = JSON.parse(res.text) as
      | { error?: { data?: { kafka?: { name?: string } } } }
      | Array<{ error?: unknown; result?: unknown }>;
    if (Array.isArray(body)) return { rejected: body.every((b) => b.error), summary: `HTTP ${res.status} batch` };
    name = body.error?.data?.kafka?.name ?? '';
  } catch {
    // not JSON: the status says it
  }
  return { rejected: res.status >= 400, summary: `HTTP ${res.status}${name ? ` ${name}` : ''}` };
}

/** Inputs for one procedure: near-valid (from its zod input) most often, else any hostile shape or none. */
export function inputArbitrary(p: ProcedureInfo, env: FuzzEnv): fc.Arbitrary<unknown> {
  const schema = inputSchema(p.input);
  return fc.oneof(
    { weight: 6, arbitrary: schema ? nearValidArbitrary(schema, env.pools) : fc.constant(NONE) },
    { weight: 2, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.constant(NONE) },
  );
}

export const startsWorkers = (path: string) => WORKER_ROUTERS.has(path.split('.')[0]);

export const showInput = (input: unknown) => (input === NONE ? '(none)' : describeValue(input));

function procedureTarget(p: ProcedureInfo): Target<TrpcCase> {
  return {
    name: p.path,
    weight: 1,
    startsWorkers: startsWorkers(p.path),
    arbitrary(env: FuzzEnv) {
      const input = inputArbitrary(p, env);
      const transport = fc.constantFrom<Transport>(...Array<Transport>(16).fill('right'), 'wrong', 'batch', 'batch');
      return fc.record({ input, transport });
    },
    async run(env, c) {
      const res = await send(env.broker, trpcRequest(p, c, env.headers));
      if (res.contentType.startsWith('text/event-stream')) {
        checkStream(res);
        return { rejected: false, summary: `HTTP ${res.status} stream` };
      }
      if (res.cut && res.status === 0) return { rejected: false, summary: 'cut' };
      checkTrpcAnswer(res.status, res.text, c.transport === 'batch' ? 2 : 0);
      return outcomeOf(res);
    },
    show: (c) =>
      `${methodFor(p.type, c.transport)} ${p.path} (${c.transport}) input ${c.input === NONE ? '(none)' : describeValue(c.input)}`,
  };
}

export function trpcTargets(): Target<TrpcCase>[] {
  return procedures().map(procedureTarget);
}

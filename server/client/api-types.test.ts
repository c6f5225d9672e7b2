import { describe, expect, expectTypeOf, it } from 'vitest';
import type { EventOf, InputOf, MutationPath, OutputOf, ProcedurePath, QueryPath, SubscriptionPath } from './api-types';
import { BrookHttp } from './http';

/**
 * The client's paths, inputs and outputs come from the router's types. A hand-kept list of queries
 * once missed six of them, so `mutate('records.browse', …)` compiled and sent a query as POST. The
 * `@ts-expect-error` lines below are checked by `tsc --noEmit`: each fails the type check if it compiles.
 */
describe('client API types come from the router', () => {
  it('sorts every procedure by kind: queries, mutations, subscriptions', () => {
    expectTypeOf<'records.browse'>().toExtend<QueryPath>();
    expectTypeOf<'records.browse'>().not.toExtend<MutationPath>();
    expectTypeOf<'topics.segments' | 'groups.byTopic' | 'clusters.describe'>().toExtend<QueryPath>();
    expectTypeOf<'records.produce' | 'groups.commit' | 'groups.heartbeat'>().toExtend<MutationPath>();
    expectTypeOf<'records.produce'>().not.toExtend<QueryPath>();
    expectTypeOf<'records.tail'>().toExtend<SubscriptionPath>();
    expectTypeOf<QueryPath & MutationPath>().toBeNever();
    expectTypeOf<QueryPath | MutationPath | SubscriptionPath>().toEqualTypeOf<ProcedurePath>();
  });

  it('types inputs and outputs per path', () => {
    expectTypeOf<InputOf<'topics.get'>>().toEqualTypeOf<{ name: string }>();
    expectTypeOf<OutputOf<'records.listOffsets'>>().toHaveProperty('offset');
    expectTypeOf<EventOf<'records.tail'>>().toHaveProperty('highWatermark').toEqualTypeOf<number>();
  });

  it('a query cannot be sent as a mutation, nor a mutation as a query', async () => {
    let method = '';
    const recording = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      method = init?.method ?? '';
      return new Response(JSON.stringify({ result: { data: null } }));
    }) as typeof fetch;
    const http = new BrookHttp({ url: 'http://brook.test', fetch: recording, retry: false });
    // @ts-expect-error records.browse is a query: GET, never POST
    await http.mutate('records.browse', { topic: 't' });
    expect(method).toBe('POST'); // what the line above would do if it compiled
    // @ts-expect-error records.produce is a mutation: POST, never GET
    await http.query('records.produce', { topic: 't', records: [] });
    await http.query('records.browse', { topic: 't' });
    expect(method).toBe('GET');
  });
});

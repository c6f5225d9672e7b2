import type {
  AnyTRPCProcedure,
  inferProcedureInput,
  inferTransformedProcedureOutput,
  TRPCProcedureType,
  TRPCRouterRecord,
} from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

/**
 * The Brook HTTP API as the client sees it, derived from the server's router (a type-only import:
 * nothing of the server is bundled). Every path is listed with its kind, so a new procedure is
 * callable at once and a query cannot be sent as a mutation (GET vs POST).
 */
type Procedures<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends AnyTRPCProcedure
    ? { path: `${Prefix}${K}`; procedure: T[K] }
    : T[K] extends TRPCRouterRecord
      ? Procedures<T[K], `${Prefix}${K}.`>
      : never;
}[keyof T & string];

type All = Procedures<AppRouter['_def']['record']>;
type ProcedureAt<P extends string> = Extract<All, { path: P }>['procedure'];

export type ProcedurePath = All['path'];
export type PathOf<Kind extends TRPCProcedureType> = Extract<All, { procedure: { _def: { type: Kind } } }>['path'];
export type QueryPath = PathOf<'query'>;
export type MutationPath = PathOf<'mutation'>;
export type SubscriptionPath = PathOf<'subscription'>;

export type InputOf<P extends ProcedurePath> = inferProcedureInput<ProcedureAt<P>>;
/** The answer as JSON carries it (no transformer: dates are strings, and so on). */
export type OutputOf<P extends ProcedurePath> = inferTransformedProcedureOutput<AppRouter, ProcedureAt<P>>;
/** What one event of a subscription carries (a `tracked` event's data). */
export type EventOf<P extends SubscriptionPath> =
  OutputOf<P> extends AsyncIterable<infer V> ? (V extends { data: infer D } ? D : V) : never;

import type fc from 'fast-check';
import type { Database } from '@/db/client';
import type { Broker } from '@/server/broker';
import type { StateDigest } from './database';
import type { ProcessWatch } from './oracle';
import type { NamePools } from './schema-arbitrary';

/** What every target's cases run against: one engine, one database, the oracles' state. */
export interface FuzzEnv {
  broker: Broker;
  db: Database;
  digest: StateDigest;
  watch: ProcessWatch;
  /** Topics and groups that exist now (near-valid inputs name them). */
  pools: NamePools;
  /** Headers every HTTP case sends (credentials when auth is on). */
  headers: Record<string, string>;
  /** With auth on: API tokens the run made (an admin's is in `headers`). */
  credentials: FuzzCredentials | null;
}

export interface FuzzCredentials {
  admin: string;
  viewer: string;
  /** A token that was revoked: refused like an unknown one. */
  revoked: string;
}

/** How a case ended, for the database oracle: a rejected case must leave every table as it was. */
export interface CaseOutcome {
  rejected: boolean;
  /** Why, for the failure report (status and error name). */
  summary: string;
}

export interface Target<T> {
  name: string;
  /** Share of the run's cases. */
  weight: number;
  /** Starts in-process workers (the shop, the tour's consumers): stopped after each case before the digest. */
  startsWorkers?: boolean;
  arbitrary(env: FuzzEnv): fc.Arbitrary<T>;
  run(env: FuzzEnv, input: T): Promise<CaseOutcome>;
  /** A printable form of an input for the report. */
  show(input: T): string;
}

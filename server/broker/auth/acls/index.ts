import type { Database } from '@/db/client';
import { BrokerError } from '../../errors';
import type { AuditActor, AuthStoreContext } from '../store';
import { AclIndex, type AclSubject, authorize, rolePreset } from './authorize';
import { ACL_CHANNEL, aclVersion, createAcls, deleteAcls, describeAcls, loadAcls } from './store';
import type { AclBinding, AclBindingFilter, AclOperation, ResourceType } from './types';
import { checkBinding, checkFilter } from './validate';

export { type AclSubject, authorize, rolePreset } from './authorize';
export * from './types';
export { checkBinding, checkFilter, filterMatches } from './validate';

/** Decisions remembered per version; cleared past this many so a scan of many names cannot grow it without end. */
const MEMO_LIMIT = 50_000;

/** Per binding of a CreateAcls request: null, or why it was refused. */
export type CreateOutcome = BrokerError | null;

/**
 * ACL bindings: stored in Postgres, cached in every process, and checked on the hot path without a
 * query. A change bumps a version row and NOTIFYs in its transaction; every process reloads on the
 * notification, and a version check every `recheckMs` catches a lost one (a dropped LISTEN connection).
 * A cluster with no bindings pays one size check per decision.
 */
export class Acls {
  private index = new AclIndex([]);
  private version = -1;
  private memo = new Map<string, boolean>();
  private loading: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AuthStoreContext,
    private readonly recheckMs = 1_000,
  ) {}

  private get db(): Database {
    return this.ctx.db;
  }

  /** Loads the bindings, listens for changes and starts the version check. */
  async start(): Promise<void> {
    if (this.unlisten) return;
    this.unlisten = await this.db.listen(ACL_CHANNEL, (payload) => {
      if (Number(payload) !== this.version) void this.refresh().catch(() => {});
    });
    // Unreachable at start: the version check loads them once the database answers (nobody authenticates meanwhile).
    await this.refresh().catch(() => {});
    this.timer = setInterval(() => void this.recheck(), this.recheckMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const unlisten = this.unlisten;
    this.unlisten = null;
    if (unlisten) await unlisten().catch(() => {});
  }

  /** The version the cache is at (-1 before the first load). */
  get loadedVersion(): number {
    return this.version;
  }

  /** How many bindings the cache holds. */
  get count(): number {
    return this.index.size;
  }

  /** Reads every binding again (one load at a time; a call during a load waits for a fresh one). */
  async refresh(): Promise<void> {
    const previous = this.loading;
    const next = (async () => {
      await previous?.catch(() => {});
      const { version, bindings } = await loadAcls(this.db);
      if (version === this.version) return;
      this.index = new AclIndex(bindings);
      this.version = version;
      this.memo = new Map();
    })();
    this.loading = next;
    try {
      await next;
    } finally {
      if (this.loading === next) this.loading = null;
    }
  }

  private async recheck(): Promise<void> {
    try {
      if ((await aclVersion(this.db)) !== this.version) await this.refresh();
    } catch {
      // Retried on the next tick; decisions meanwhile use the bindings last read.
    }
  }

  /** May `subject` (from `host`) do `operation` on the resource? Synchronous: the hot path never waits for the database. */
  allows(subject: AclSubject, host: string | null, operation: AclOperation, resourceType: ResourceType, name: string): boolean {
    if (subject.role === 'admin') return true;
    if (this.index.size === 0) return rolePreset(subject.role, operation, resourceType);
    const key = `${subject.role}\0${subject.name}\0${host ?? ''}\0${operation}\0${resourceType}\0${name}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const decision = authorize(subject, host, operation, resourceType, name, this.index);
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(key, decision);
    return decision;
  }

  describe(filter: Partial<Record<keyof AclBindingFilter, unknown>>): Promise<AclBinding[]> {
    return describeAcls(this.db, checkFilter(filter));
  }

  /**
   * Creates bindings; each invalid one is refused on its own (INVALID_REQUEST) and the valid ones are
   * stored together. Returns one outcome per input, in order. This process sees the change at once.
   */
  async create(actor: AuditActor, inputs: readonly Partial<Record<keyof AclBinding, unknown>>[]): Promise<CreateOutcome[]> {
    const checked = inputs.map((input) => {
      try {
        return checkBinding(input);
      } catch (err) {
        if (err instanceof BrokerError) return err;
        throw err;
      }
    });
    await createAcls(
      this.ctx,
      actor,
      checked.filter((c): c is AclBinding => !(c instanceof BrokerError)),
    );
    await this.refresh();
    return checked.map((c) => (c instanceof BrokerError ? c : null));
  }

  /** Deletes what each filter matches; returns the deleted bindings per filter. A bad filter refuses the whole call. */
  async delete(actor: AuditActor, inputs: readonly Partial<Record<keyof AclBindingFilter, unknown>>[]): Promise<AclBinding[][]> {
    const filters = inputs.map(checkFilter);
    const removed = await deleteAcls(this.ctx, actor, filters);
    await this.refresh();
    return removed;
  }
}

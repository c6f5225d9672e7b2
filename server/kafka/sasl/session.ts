import { attemptedName } from '@/server/broker/auth/audit';
import { asBrokerError, BrokerError } from '@/server/broker/errors';
import type { AuditEntry, AuthMode, Principal, ScramCredential, ScramMechanism } from '@/server/kernel/auth-types';
import { parsePlain } from './plain';
import { isScramMechanism, ScramServer } from './scram';

/** How often an authenticated connection's principal is read again from the store (role changes, revocations). */
export const PRINCIPAL_RECHECK_MS = 60_000;

/** The mechanisms Brook's listener serves, in the order SaslHandshake lists them. */
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

/** What the listener needs from the engine's auth store (`broker.auth`). */
export interface KafkaAuth {
  readonly mode: AuthMode;
  anonymous(): Principal;
  checkPassword(input: { username: string; password: string; address: string | null; via: 'sasl' }): Promise<Principal>;
  scramCredential(mechanism: ScramMechanism, username: string): Promise<{ credential: ScramCredential; principal: Principal } | null>;
  /** SCRAM's first message: throws THROTTLING_QUOTA_EXCEEDED while the name's delay runs; counts nothing. */
  scramCheck(username: string): Promise<void>;
  /** The salt and iterations SCRAM answers for a name without a credential: the same on every instance. */
  scramFakeCredential(mechanism: ScramMechanism, username: string): Promise<{ salt: Buffer; iterations: number }>;
  /**
   * SCRAM's final message, before its proof is checked: one attempt against the failed-login limits PLAIN
   * goes through (throws THROTTLING_QUOTA_EXCEEDED if refused), counted as a failure until `succeeded()`.
   * `token`: the name is an API token's, whose name is not throttled.
   */
  scramAttempt(username: string, address: string | null, token: boolean): Promise<{ succeeded(): Promise<void> }>;
  audit: { record(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void> };
}

const ANONYMOUS: Principal = { kind: 'anonymous', name: 'anonymous', role: 'admin', hidePayloads: false };

/** Auth off without a store (handler tests): everyone is the anonymous admin, nothing to check or audit. */
export const AUTH_OFF: KafkaAuth = {
  mode: 'off',
  anonymous: () => ANONYMOUS,
  checkPassword: () => Promise.reject(new Error('auth is off')),
  scramCredential: () => Promise.reject(new Error('auth is off')),
  scramCheck: () => Promise.reject(new Error('auth is off')),
  scramFakeCredential: () => Promise.reject(new Error('auth is off')),
  scramAttempt: () => Promise.reject(new Error('auth is off')),
  audit: { record: async () => {} },
};

/** What one SASL step answers: bytes for the client, or an error after which the connection is closed. */
export type SaslOutcome = { ok: true; bytes: Buffer } | { ok: false; error: BrokerError };

type State =
  | { kind: 'start' }
  /** After SaslHandshake: v1 clients send SaslAuthenticate frames, v0 clients raw tokens in bare frames. */
  | { kind: 'mechanism'; mechanism: string; raw: boolean; scram: ScramServer | null; attempt: { succeeded(): Promise<void> } | null }
  | { kind: 'authenticated'; principal: Principal }
  | { kind: 'failed' };

/**
 * One Kafka connection's SASL state, as Kafka's SaslServerAuthenticator runs it: SaslHandshake picks a
 * mechanism, then SaslAuthenticate (v1 handshake) or raw tokens (v0) carry the exchange; the connection is
 * authenticated once the mechanism succeeds, and closed after any failure. With auth off or none the
 * listener has no SASL (a PLAINTEXT listener): both requests answer ILLEGAL_SASL_STATE, as Kafka's does.
 */
export class SaslSession {
  private state: State = { kind: 'start' };
  /** One step at a time: a client that pipelines SASL messages is not running any mechanism. */
  private busy = false;
  private checkedAt = 0;
  private checking: Promise<Principal | null> | null = null;
  /**
   * Which credential the connection logged in with (its SCRAM StoredKey, which changes with a new password
   * or a new token of the same name): a name alone would let a connection of a revoked token live on as a
   * new token given that name, or one opened with an old password outlive the change.
   */
  private credential: Promise<string | null> = Promise.resolve(null);

  constructor(
    private readonly auth: KafkaAuth,
    private readonly address: string,
    private readonly now: () => number,
  ) {}

  get enabled(): boolean {
    return this.auth.mode === 'on';
  }

  /** The connection's principal: the anonymous admin with auth off/none; null until authenticated with auth on. */
  get principal(): Principal | null {
    if (!this.enabled) return this.auth.anonymous();
    return this.state.kind === 'authenticated' ? this.state.principal : null;
  }

  /** After a v0 handshake the next frames are bare SASL tokens, not Kafka requests. */
  get awaitsRawToken(): boolean {
    return this.state.kind === 'mechanism' && this.state.raw;
  }

  /** SaslHandshake: the error code to answer and whether to close the connection after the answer. */
  handshake(mechanism: string, version: number): { errorCode: number; close: boolean } {
    const code = (name: 'ILLEGAL_SASL_STATE' | 'UNSUPPORTED_SASL_MECHANISM') => new BrokerError(name, '').kafkaCode;
    // After authentication Kafka's API layer answers ILLEGAL_SASL_STATE (no re-authentication here) and keeps the connection.
    if (!this.enabled || this.state.kind === 'authenticated') return { errorCode: code('ILLEGAL_SASL_STATE'), close: false };
    if (this.state.kind !== 'start' || this.busy) return this.fail(code('ILLEGAL_SASL_STATE'));
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) return this.fail(code('UNSUPPORTED_SASL_MECHANISM'));
    this.state = { kind: 'mechanism', mechanism, raw: version === 0, scram: null, attempt: null };
    return { errorCode: 0, close: false };
  }

  /** One SaslAuthenticate (or v0 raw token). */
  async authenticate(bytes: Buffer): Promise<SaslOutcome> {
    if (!this.enabled) {
      return {
        ok: false,
        error: new BrokerError('ILLEGAL_SASL_STATE', 'SASL is off on this listener (BROOK_AUTH is not on): connect without SASL.'),
      };
    }
    const state = this.state;
    if (state.kind === 'authenticated') {
      // No re-authentication (KIP-368): refused, the connection stays as it was.
      return { ok: false, error: new BrokerError('ILLEGAL_SASL_STATE', 'This connection is already authenticated.') };
    }
    if (state.kind !== 'mechanism' || this.busy) {
      this.state = { kind: 'failed' };
      return {
        ok: false,
        error: new BrokerError('ILLEGAL_SASL_STATE', 'SaslAuthenticate needs a SaslHandshake first, one message at a time.'),
      };
    }
    this.busy = true;
    try {
      if (state.mechanism === 'PLAIN') return await this.plain(bytes);
      return await this.scram(state, bytes);
    } catch (err) {
      this.state = { kind: 'failed' };
      const known = asBrokerError(err);
      if (!known) throw err;
      // Kafka clients treat SASL_AUTHENTICATION_FAILED as final; a lockout is one too, with its message (when to retry).
      const error = known.kafkaName === 'THROTTLING_QUOTA_EXCEEDED' ? new BrokerError('SASL_AUTHENTICATION_FAILED', known.message) : known;
      return { ok: false, error };
    } finally {
      this.busy = false;
    }
  }

  private authenticated(principal: Principal): void {
    this.state = { kind: 'authenticated', principal };
    this.checkedAt = this.now();
    this.credential = this.auth.scramCredential('SCRAM-SHA-256', principal.name).then(
      (found) => found?.credential.storedKey.toString('hex') ?? null,
      () => null,
    );
  }

  /**
   * Null while the principal read at login (or at the last check) is fresh; else a promise of the principal
   * as the store has it now: a changed role applies, a removed user or a revoked or expired token is null
   * (the caller closes the connection). Every request awaits a check in progress, so none overtakes another.
   * If the store cannot answer, the connection keeps what it had and the next request asks again.
   */
  recheck(): Promise<Principal | null> | null {
    if (this.checking) return this.checking;
    const state = this.state;
    if (!this.enabled || state.kind !== 'authenticated' || this.now() - this.checkedAt < PRINCIPAL_RECHECK_MS) return null;
    const was = state.principal;
    this.checking = this.auth
      .scramCredential('SCRAM-SHA-256', was.name)
      .then(
        async (found) => {
          this.checkedAt = this.now();
          const loggedInWith = await this.credential;
          const replaced = found !== null && loggedInWith !== null && found.credential.storedKey.toString('hex') !== loggedInWith;
          if (found === null || found.principal.kind !== was.kind || replaced) {
            this.state = { kind: 'failed' };
            return null;
          }
          state.principal = found.principal;
          return found.principal;
        },
        () => was,
      )
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  /** After a refused SaslAuthenticate the connection is over (the caller closes it). */
  get failed(): boolean {
    return this.state.kind === 'failed';
  }

  private fail(errorCode: number): { errorCode: number; close: boolean } {
    this.state = { kind: 'failed' };
    return { errorCode, close: true };
  }

  /** PLAIN: the store checks the password (or token), counts it against the limit and audits it. */
  private async plain(bytes: Buffer): Promise<SaslOutcome> {
    const { username, password } = parsePlain(bytes);
    const principal = await this.auth.checkPassword({ username, password, address: this.address, via: 'sasl' });
    this.authenticated(principal);
    return { ok: true, bytes: Buffer.alloc(0) };
  }

  /**
   * SCRAM: two round trips. The first message only checks the name's delay (it proves nothing, so it counts
   * nothing); the final one counts as an attempt before its proof is checked, and a valid proof clears it.
   * Outcomes are audited here.
   */
  private async scram(state: Extract<State, { kind: 'mechanism' }>, bytes: Buffer): Promise<SaslOutcome> {
    const mechanism = state.mechanism;
    if (!isScramMechanism(mechanism)) throw new BrokerError('UNSUPPORTED_SASL_MECHANISM', `No mechanism ${mechanism}.`);
    if (state.scram === null) {
      const scram = new ScramServer(
        mechanism,
        (name) => this.auth.scramCredential(mechanism, name),
        undefined,
        (name) => this.auth.scramFakeCredential(mechanism, name),
      );
      state.scram = scram;
      const step = await scram.step(bytes).catch((err) => this.audited(scram.user, mechanism, err));
      if (!scram.isToken) await this.auth.scramCheck(scram.user).catch((err) => this.audited(scram.user, mechanism, err));
      return { ok: true, bytes: step.response };
    }
    const scram = state.scram;
    state.attempt = await this.auth
      .scramAttempt(scram.user, this.address, scram.isToken)
      .catch((err) => this.audited(scram.user, mechanism, err));
    const step = await scram.step(bytes).catch((err) => this.audited(scram.user, mechanism, err));
    const principal = step.principal as Principal;
    await state.attempt?.succeeded();
    await this.auth.audit.record({
      actor: principal.name,
      actorKind: principal.kind,
      action: 'sasl.authenticate',
      target: null,
      address: this.address,
      outcome: 'ok',
      details: { mechanism },
    });
    this.authenticated(principal);
    return { ok: true, bytes: step.response };
  }

  /** Audits a failed SCRAM step (the name tried, never the proof) and rethrows its error. */
  private async audited(username: string, mechanism: string, err: unknown): Promise<never> {
    const known = asBrokerError(err);
    await this.auth.audit.record({
      actor: attemptedName(username),
      actorKind: 'unknown',
      action: 'sasl.authenticate',
      target: null,
      address: this.address,
      outcome: known?.kafkaName === 'THROTTLING_QUOTA_EXCEEDED' ? 'denied' : 'failed',
      details: { mechanism, reason: known?.message ?? 'error' },
    });
    throw err;
  }
}

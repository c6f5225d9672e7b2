import type { AuditEntry, AuthMode, Principal, Role, TokenSummary, UserSummary } from '@/server/broker/auth/types';

/**
 * TEMPORARY: the `broker.auth` API of contract.md, until auth-core lands on main (then the Broker class
 * has it and this file goes). Only what the HTTP side calls.
 */
export interface AuditActor {
  principal: Principal;
  address: string | null;
}

export interface AuthEngine {
  readonly mode: AuthMode;
  anonymous(): Principal;
  login(input: {
    username: string;
    password: string;
    address: string | null;
  }): Promise<{ principal: Principal; session: string; expiresAt: Date }>;
  session(secret: string): Promise<Principal | null>;
  logout(secret: string, actor: AuditActor): Promise<void>;
  bearer(token: string): Promise<Principal | null>;
  users: {
    list(): Promise<UserSummary[]>;
    add(input: { name: string; password: string; role: Role }, actor: AuditActor): Promise<UserSummary>;
    setPassword(name: string, password: string, actor: AuditActor): Promise<void>;
    setRole(name: string, role: Role, actor: AuditActor): Promise<void>;
    remove(name: string, actor: AuditActor): Promise<void>;
  };
  tokens: {
    create(
      input: { name: string; role: Role; expiresInDays?: number },
      actor: AuditActor,
    ): Promise<{ token: string; summary: TokenSummary }>;
    list(): Promise<TokenSummary[]>;
    revoke(name: string, actor: AuditActor): Promise<void>;
  };
  audit: {
    record(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void>;
    list(query: { limit?: number; before?: string; actor?: string; action?: string }): Promise<AuditEntry[]>;
  };
}

declare module '@/server/broker/index' {
  interface Broker {
    auth: AuthEngine;
  }
}

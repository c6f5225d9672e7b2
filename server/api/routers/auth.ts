import { z } from 'zod';
import { BrokerError } from '@/server/broker/errors';
import { type AuditEntry, type Principal, ROLES, type TokenSummary, type UserSummary } from '@/server/kernel/auth-types';
import { unauthenticated } from '../auth/authorize';
import { readCookie, sessionCookieName } from '../edge/credentials';
import { int, text } from '../inputs';
import { authorized, type Context, createTRPCRouter, publicProcedure } from '../trpc';

/** Names are checked by the engine; these bounds keep what reaches it small. */
const name = text(200).min(1, 'name is required');
const password = z.string().min(1, 'password is required').max(1024);
const role = z.enum(ROLES, { error: `role must be one of: ${ROLES.join(', ')}` });

/** Who changes what, for the engine's own audit lines. */
function actor(ctx: Context) {
  if (!ctx.principal) throw unauthenticated(ctx);
  return { principal: ctx.principal, address: ctx.address };
}

/** What a client learns about a principal (never its session or token). */
const publicPrincipal = (p: Principal) => ({ name: p.name, kind: p.kind, role: p.role, hidePayloads: p.hidePayloads });

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const tokenJson = (t: TokenSummary) => ({
  ...t,
  createdAt: t.createdAt.toISOString(),
  expiresAt: iso(t.expiresAt),
  lastUsedAt: iso(t.lastUsedAt),
  revokedAt: iso(t.revokedAt),
});
const userJson = (u: UserSummary) => ({ ...u, createdAt: u.createdAt.toISOString(), updatedAt: u.updatedAt.toISOString() });
const auditJson = (e: AuditEntry) => ({ ...e, at: e.at.toISOString() });

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it); over https
 * Secure and named `__Host-brook_session` (Path=/, no Domain: no other host or port can plant it).
 */
function sessionCookie(ctx: Context, value: string, expiresAt: Date | null): string {
  const expiry = expiresAt ? `Expires=${expiresAt.toUTCString()}` : 'Max-Age=0';
  return `${sessionCookieName(ctx.secure)}=${value}; Path=/; HttpOnly; SameSite=Strict; ${expiry}${ctx.secure ? '; Secure' : ''}`;
}

/** Changes the engine audits itself: only a refused attempt is audited here, under the engine's action name. */
const admin = (action: string) => authorized('admin', 'cluster', { audit: 'denied', action });

export const authRouter = createTRPCRouter({
  /** Checks the password (limited per user name and per address), opens a session, sets its cookie. */
  login: publicProcedure.input(z.object({ username: text(200), password })).mutation(async ({ ctx, input }) => {
    if (ctx.authMode !== 'on')
      throw new BrokerError(
        'SECURITY_DISABLED',
        'Authentication is off (BROOK_AUTH): every caller is already an admin; there is nothing to log in to.',
      );
    const { principal, session, expiresAt } = await ctx.broker.auth.login({ ...input, address: ctx.address });
    ctx.resHeaders.append('set-cookie', sessionCookie(ctx, session, expiresAt));
    return { principal: { ...publicPrincipal(principal), expiresAt: expiresAt.toISOString() } };
  }),

  /** Ends this browser's session (if any) and clears its cookie. */
  logout: publicProcedure.mutation(async ({ ctx }) => {
    const secret = readCookie(ctx.headers.get('cookie'), sessionCookieName(ctx.secure));
    if (secret && ctx.authMode === 'on' && ctx.principal)
      await ctx.broker.auth.logout(secret, { principal: ctx.principal, address: ctx.address });
    ctx.resHeaders.append('set-cookie', sessionCookie(ctx, '', null));
    return { ok: true as const };
  }),

  /** The mode and who the caller is (null with auth on and no valid credentials). */
  me: publicProcedure.query(({ ctx }) => ({ mode: ctx.authMode, principal: ctx.principal ? publicPrincipal(ctx.principal) : null })),

  /** The secret is in this answer only; the server keeps its hash. */
  createToken: admin('tokens.create')
    .input(z.object({ name, role, expiresInDays: int().min(1).max(3650).optional() }))
    .mutation(async ({ ctx, input }) => {
      const { token, summary } = await ctx.broker.auth.tokens.create(input, actor(ctx));
      return { token, summary: tokenJson(summary) };
    }),

  revokeToken: admin('tokens.revoke')
    .input(z.object({ name }))
    .mutation(async ({ ctx, input }) => {
      await ctx.broker.auth.tokens.revoke(input.name, actor(ctx));
      return { ok: true as const };
    }),

  tokens: admin('tokens.list').query(async ({ ctx }) => (await ctx.broker.auth.tokens.list()).map(tokenJson)),

  users: admin('users.list').query(async ({ ctx }) => (await ctx.broker.auth.users.list()).map(userJson)),

  addUser: admin('users.add')
    .input(z.object({ name, password, role }))
    .mutation(async ({ ctx, input }) => userJson(await ctx.broker.auth.users.add(input, actor(ctx)))),

  setPassword: admin('users.password')
    .input(z.object({ name, password }))
    .mutation(async ({ ctx, input }) => {
      await ctx.broker.auth.users.setPassword(input.name, input.password, actor(ctx));
      return { ok: true as const };
    }),

  setRole: admin('users.role')
    .input(z.object({ name, role }))
    .mutation(async ({ ctx, input }) => {
      await ctx.broker.auth.users.setRole(input.name, input.role, actor(ctx));
      return { ok: true as const };
    }),

  removeUser: admin('users.remove')
    .input(z.object({ name }))
    .mutation(async ({ ctx, input }) => {
      await ctx.broker.auth.users.remove(input.name, actor(ctx));
      return { ok: true as const };
    }),

  /** Newest first; `before` pages back from an entry's id. */
  audit: admin('audit.list')
    .input(
      z
        .object({
          limit: int().min(1).max(1000).optional(),
          before: text(100).optional(),
          actor: text(200).optional(),
          action: text(200).optional(),
        })
        .optional(),
    )
    .query(async ({ ctx, input }) => (await ctx.broker.auth.audit.list(input ?? {})).map(auditJson)),
});

import { setTimeout as sleep } from 'node:timers/promises';
import { answerStatus, floodSocket } from '@/server/api/edge/raw-flood';
import { type Attack, type AttackContext, login, mib, timed } from '../attack';

/**
 * The public door: sockets without credentials stall login bodies (the one call they may make, 16 KiB at
 * most). A real login must still go through, an oversized one is refused on its Content-Length, and each
 * stalled body is cut (408) at the idle timeout.
 */
export const httpLoginStall: Attack = {
  name: 'http-login-stall',
  description: 'unauthenticated sockets stalling auth.login bodies; login still works, stalls are cut at the idle timeout',
  async run(ctx: AttackContext) {
    const figures: Array<[string, string]> = [];
    const failures: string[] = [];
    const n = ctx.short ? 50 : 400;
    const rssBefore = ctx.serverRss();
    const oversized = floodSocket({ port: ctx.port, procedure: 'auth.login', declared: 16 * 1024 + 1, send: 0 });
    const sockets = Array.from({ length: n }, () =>
      floodSocket({ port: ctx.port, procedure: 'auth.login', declared: 16 * 1024, send: 8 * 1024 }),
    );
    const started = performance.now();
    try {
      await sleep(300);
      const loggedIn = await timed(() => login(ctx));
      figures.push([`${n} stalled logins: login`, `${loggedIn.status} in ${loggedIn.ms} ms`]);
      if (loggedIn.status !== 200 || loggedIn.ms > 2_000) failures.push(`login answered ${loggedIn.status} in ${loggedIn.ms} ms`);
      if (answerStatus(oversized.answer) !== 413)
        failures.push(`a 16 KiB + 1 login body answered ${answerStatus(oversized.answer)}, not 413`);
      const rssDuring = ctx.serverRss();
      const bound = ctx.bodyIdleMs + 3_000;
      while (performance.now() - started < bound && !sockets.every((s) => answerStatus(s.answer) !== null)) await sleep(50);
      const cut = sockets.filter((s) => answerStatus(s.answer) === 408).length;
      figures.push([
        `${n} stalled logins: cut with 408`,
        `${cut} of ${n} within ${Math.round(performance.now() - started)} ms (idle timeout ${ctx.bodyIdleMs} ms)`,
      ]);
      if (cut !== n) failures.push(`${n - cut} stalled login bodies were not cut with 408 within ${bound} ms`);
      figures.push(['server RSS before/during', `${mib(rssBefore)} / ${mib(rssDuring)}`]);
    } finally {
      for (const s of [oversized, ...sockets]) s.destroy();
    }
    return { figures, failures };
  },
};

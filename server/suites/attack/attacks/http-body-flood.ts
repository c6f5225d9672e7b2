import { setTimeout as sleep } from 'node:timers/promises';
import { answerStatus, type FloodSocket, floodSocket } from '@/server/api/edge/raw-flood';
import { type Attack, type AttackContext, login, mib, produce, timed } from '../attack';

/** The Content-Length the security review's sockets declared: the default largest body. */
const HUGE = 102_278_488;

/**
 * Unauthenticated sockets declare the largest body to records.produce and send part of it, then stall;
 * meanwhile the admin logs in and a producer token produces. Both must succeed within 2 s, every flood
 * socket must be refused (401) without its body being read, and the server's memory must stay flat.
 */
export const httpBodyFlood: Attack = {
  name: 'http-body-flood',
  description: 'unauthenticated sockets stalling 100 MB produce bodies; login and produce must still answer within 2 s',
  async run(ctx: AttackContext) {
    const figures: Array<[string, string]> = [];
    const failures: string[] = [];
    for (const n of ctx.short ? [2, 10] : [2, 10, 100]) {
      const rssBefore = ctx.serverRss();
      const sockets: FloodSocket[] = Array.from({ length: n }, () =>
        floodSocket({ port: ctx.port, procedure: 'records.produce', declared: HUGE, send: 4 * 1024 * 1024 }),
      );
      try {
        await sleep(300); // the flood is under way
        const [loggedIn, produced] = await Promise.all([timed(() => login(ctx)), timed(() => produce(ctx))]);
        const rssDuring = ctx.serverRss();
        figures.push([`${n} sockets: login`, `${loggedIn.status} in ${loggedIn.ms} ms`]);
        figures.push([`${n} sockets: produce`, `${produced.status} in ${produced.ms} ms`]);
        if (loggedIn.status !== 200 || loggedIn.ms > 2_000)
          failures.push(`${n} sockets: login answered ${loggedIn.status} in ${loggedIn.ms} ms`);
        if (produced.status !== 200 || produced.ms > 2_000)
          failures.push(`${n} sockets: produce answered ${produced.status} in ${produced.ms} ms`);
        // Every flood socket is answered as soon as its headers are read: give the last of many 2 s to arrive.
        for (let waited = 0; waited < 2_000 && sockets.some((s) => answerStatus(s.answer) === null); waited += 50) await sleep(50);
        const statuses = sockets.map((s) => answerStatus(s.answer));
        const refused = statuses.filter((s) => s === 401).length;
        figures.push([`${n} sockets: refused 401`, `${refused} of ${n}`]);
        if (refused !== n) failures.push(`${n} sockets: flood answers ${JSON.stringify(statuses)}, expected 401 for each`);
        // The connections end within the edge's linger, not when the 100 MB would have arrived.
        await Promise.race([Promise.all(sockets.map((s) => s.closed)), sleep(5_000)]);
        const open = sockets.filter((s) => !s.isClosed).length;
        if (open > 0) failures.push(`${n} sockets: ${open} still open 5 s after their 401`);
        const rssAfter = ctx.serverRss();
        figures.push([`${n} sockets: server RSS before/during/after`, `${mib(rssBefore)} / ${mib(rssDuring)} / ${mib(rssAfter)}`]);
        if (rssBefore !== null && rssDuring !== null && rssDuring - rssBefore > 64 * 2 ** 20)
          failures.push(`${n} sockets: server RSS grew by ${mib(rssDuring - rssBefore)} during the flood`);
      } finally {
        for (const s of sockets) s.destroy();
      }
    }
    return { figures, failures };
  },
};

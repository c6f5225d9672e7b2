import type pg from 'pg';
import { backoffDelay, sleep } from '@/server/kernel/backoff';

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * LISTEN on its own connection (node-postgres), connected again with backoff whenever it is lost, as
 * postgres.js does for its listeners, until stopped. Notifications sent while it was away are not
 * replayed: the engine re-checks on a timer rather than trust every notification to arrive.
 */
export async function pgListen(
  newClient: () => pg.Client,
  channel: string,
  onPayload: (payload: string) => void,
  live: Set<pg.Client>,
): Promise<() => Promise<void>> {
  let stopped = false;
  let current: pg.Client | null = null;
  const end = (c: pg.Client) => {
    live.delete(c);
    return c.end().catch(() => {});
  };
  const connect = async () => {
    const c = newClient();
    live.add(c);
    c.on('error', () => {}); // the 'end' that follows reconnects
    try {
      await c.connect();
      c.on('notification', (m) => {
        if (m.channel === channel) onPayload(m.payload ?? '');
      });
      await c.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (err) {
      await end(c); // LISTEN refused (a standby) or the server went away meanwhile: no connection kept
      throw err;
    }
    // Stopped while this connection was being made: it must not outlive the listener.
    if (stopped) return end(c);
    current = c;
    c.once('end', () => {
      live.delete(c);
      if (current === c) current = null;
      if (!stopped) void reconnect();
    });
  };
  const reconnect = async () => {
    for (let n = 0; !stopped; n++) {
      await sleep(backoffDelay(n, { initialMs: 50, maxMs: 1_000 }));
      if (stopped) return;
      try {
        await connect();
        return;
      } catch {
        // the server is still away
      }
    }
  };
  await connect();
  return async () => {
    stopped = true;
    if (current) await end(current);
  };
}

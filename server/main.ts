import type { AddressInfo } from 'node:net';
import next from 'next';
import { errorMessage } from '@/server/broker/errors';
import { startServices } from '@/server/broker/services';
import { brookEnv } from '@/server/env';
import { stopShops } from '@/server/examples/shop/registry';
import { stopAllMembers } from '@/server/examples/tour/group';
import { listenHost } from '@/server/listen-host';
import { getBroker, getRuntime, serviceOptions, shutdownRuntime } from '@/server/runtime';
import { createAppServer } from '@/server/serve/app-server';

/**
 * Brook's one server process (`npm start`, `npm run dev`, e2e, bench): start-up and shutdown in one
 * place. Start: validate the environment, open and migrate the database, start the engine and its
 * loops, prepare Next, listen. Stop (SIGTERM/SIGINT): stop accepting, stop the examples, end
 * long-polls and event streams, drain in-flight requests, stop the loops, close the database, exit.
 */
const DRAIN_MS = 5_000;
const EXIT_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const dev = process.argv.includes('--dev');
  const env = brookEnv(); // a bad value stops start-up here, with a message naming the variable
  const hostname = listenHost(process.env.HOSTNAME);
  const port = env.PORT ?? 3000;

  // Pages render in Next's own bundles, which reach this same engine through getRuntime() (globalThis).
  await getRuntime();
  const services = startServices(await getBroker(), serviceOptions(env));

  const app = next({ dev, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const http = createAppServer({ getBroker, next: (req, res) => handle(req, res) });
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(port, hostname, () => resolve());
  });
  const { port: bound } = http.server.address() as AddressInfo;
  console.log(`[brook] listening on http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${bound}${dev ? ' (dev)' : ''}`);

  // ---- The Kafka protocol listener (issue 12) starts here, after the engine, and stops below. ----

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Whatever happens (a database that no longer answers), the process ends within 10 s.
    setTimeout(() => {
      console.error('[brook] shutdown took more than 10 s: exiting anyway');
      process.exit(1);
    }, EXIT_DEADLINE_MS).unref();
    console.log(`[brook] ${signal}: no new connections; stopping the examples, ending long-polls and streams`);
    let code = 0;
    try {
      const closing = http.close(DRAIN_MS);
      // The examples' members leave their groups while the engine is still up.
      await Promise.all([stopShops(), stopAllMembers()]);
      const { unfinished } = await closing;
      if (unfinished.length > 0)
        console.error(`[brook] ${unfinished.length} request(s) still running after ${DRAIN_MS} ms, closed: ${unfinished.join(', ')}`);
      await services.stop();
      await app.close().catch(() => {});
      console.log('[brook] closing the database');
      await shutdownRuntime();
    } catch (err) {
      console.error('[brook] shutdown failed:', err);
      code = 1;
    }
    process.exit(code);
  };
  process.once('SIGTERM', (s) => void stop(s));
  process.once('SIGINT', (s) => void stop(s));
}

main().catch(async (err) => {
  console.error(`[brook] cannot start: ${errorMessage(err)}`);
  await shutdownRuntime().catch(() => {});
  process.exit(1);
});

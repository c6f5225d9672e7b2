import { errorMessage } from '@/server/broker/errors';
import { type Services, startServices } from '@/server/broker/services';
import { brookEnv } from '@/server/env';
import { stopShops } from '@/server/examples/shop/registry';
import { getRuntime, serviceOptions, shutdownRuntime } from '@/server/runtime';

const globalForServices = globalThis as typeof globalThis & { __brookServices?: Services };

/** Boots the engine (migrations included) and its background loops; stops both cleanly on SIGTERM/SIGINT. */
export async function startBrook(): Promise<void> {
  const env = brookEnv(); // a bad value stops start-up here, with a message naming the variable
  const { broker } = await getRuntime();
  if (globalForServices.__brookServices) return;
  const services = startServices(broker, serviceOptions(env));
  globalForServices.__brookServices = services;

  let closing: Promise<void> | null = null;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    console.log(`[brook] ${signal}: stopping the example and services, waking long-polls, closing the database`);
    // The example's members leave their groups first, while the API they talk through is still up.
    const closed = stopShops()
      .then(() => services.stop())
      .then(shutdownRuntime)
      .catch((err) => console.error('[brook] shutdown failed:', err));
    closing = closed;
    // Next.js handles the same signal and calls process.exit once its server has closed; hold that exit
    // until the database is closed, so an embedded PGlite is always shut down cleanly.
    const exit = process.exit.bind(process);
    process.exit = ((code?: number) => {
      void closed.finally(() => exit(code));
    }) as typeof process.exit;
    // Whatever happens (a database that no longer answers), the process ends within 10 s.
    setTimeout(() => {
      console.error('[brook] shutdown took more than 10 s: exiting anyway');
      exit(1);
    }, 10_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** For instrumentation.ts: a server without its broker would only answer errors, so say why and stop. */
export async function startBrookOrExit(): Promise<void> {
  try {
    await startBrook();
  } catch (err) {
    console.error(`[brook] cannot start: ${errorMessage(err)}`);
    process.exit(1);
  }
}

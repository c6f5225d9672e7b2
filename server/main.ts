import type { AddressInfo } from 'node:net';
import next from 'next';
import type { KafkaListenerReport } from '@/server/broker';
import { errorMessage } from '@/server/broker/errors';
import { startServices } from '@/server/broker/services';
import { type BrookEnv, brookEnv } from '@/server/env';
import { startExamples, stopExamples } from '@/server/examples';
import { createKafkaDispatcher, kafkaListenerConfig, kafkaSettings, startKafkaListener } from '@/server/kafka';
import { listenHost } from '@/server/listen-host';
import { getBroker, getRuntime, serviceOptions, shutdownRuntime } from '@/server/runtime';
import { createAppServer } from '@/server/serve/app-server';
import { describeTls, loadTls, type TlsMaterial } from '@/server/serve/tls';

/**
 * Brook's one server process (`npm start`, `npm run dev`, e2e, bench): start-up and shutdown in one
 * place. Start: validate the environment, open and migrate the database (the broker's migrations, then
 * each example's), start the engine and its loops, prepare Next, listen. Stop (SIGTERM/SIGINT): stop
 * accepting, stop the examples, end long-polls and event streams, drain in-flight requests, stop the
 * loops, close the database, exit.
 */
const DRAIN_MS = 5_000;
const EXIT_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const dev = process.argv.includes('--dev');
  const env = brookEnv(); // a bad value stops start-up here, with a message naming the variable
  const hostname = listenHost(process.env.HOSTNAME);
  const port = env.PORT ?? 3000;
  // BROOK_TLS_CERT/KEY: read and checked before anything starts (a mismatched key stops start-up here).
  const tls = loadTls(env);
  if (tls) console.log(describeTls(tls));

  // What has started so far, so a signal or a failure at any point of start-up stops exactly that.
  let services: ReturnType<typeof startServices> | null = null;
  let app: ReturnType<typeof next> | null = null;
  let http: ReturnType<typeof createAppServer> | null = null;
  let kafka: Awaited<ReturnType<typeof startKafkaListener>>['listener'] = null;

  let stopping = false;
  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    // Whatever happens (a database that no longer answers), the process ends within 10 s.
    setTimeout(() => {
      console.error('[brook] shutdown took more than 10 s: exiting anyway');
      process.exit(1);
    }, EXIT_DEADLINE_MS).unref();
    console.log(`[brook] ${reason}: no new connections; stopping the examples, ending long-polls and streams`);
    let exitCode = code;
    try {
      const closing = http?.close(DRAIN_MS) ?? Promise.resolve({ unfinished: [] as string[] });
      // Kafka connections: no new ones, long polls aborted, answers in flight written, then closed (bounded).
      const kafkaClosing = kafka?.stop(DRAIN_MS) ?? Promise.resolve(0);
      // The examples' members leave their groups while the engine is still up.
      await stopExamples();
      const { unfinished } = await closing;
      if (unfinished.length > 0)
        console.error(`[brook] ${unfinished.length} request(s) still running after ${DRAIN_MS} ms, closed: ${unfinished.join(', ')}`);
      const cut = await kafkaClosing;
      if (cut > 0) console.error(`[brook] ${cut} Kafka connection(s) still busy after ${DRAIN_MS} ms, closed`);
      await services?.stop();
      await app?.close().catch(() => {});
      console.log('[brook] closing the database');
      await shutdownRuntime({ final: true });
      console.log('[brook] database closed');
    } catch (err) {
      console.error('[brook] shutdown failed:', err);
      exitCode = 1;
    }
    process.exit(exitCode);
  };
  // Installed first: a SIGTERM during migrations or Next's start-up still closes the database cleanly.
  process.once('SIGTERM', (s) => void stop(s, 0));
  process.once('SIGINT', (s) => void stop(s, 0));
  // With TLS, SIGHUP re-reads the certificate (and no longer ends the process, Node's default).
  if (tls) process.on('SIGHUP', () => reloadCertificate(env, [http, kafka]));

  try {
    // Pages render in Next's own bundles, which reach this same engine through getRuntime() (globalThis).
    await getRuntime();
    if (stopping) return;
    await startExamples((await getBroker()).db);
    services = startServices(await getBroker(), serviceOptions(env));

    app = next({ dev, hostname, port });
    await app.prepare();
    if (stopping) return;
    const handle = app.getRequestHandler();
    http = createAppServer({ getBroker, next: (req, res) => handle(req, res), tls: tls ?? undefined });
    const server = http.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, hostname, () => resolve());
    });
    const { port: bound } = server.address() as AddressInfo;
    console.log(
      `[brook] listening on ${tls ? 'https' : 'http'}://${hostname.includes(':') ? `[${hostname}]` : hostname}:${bound}${dev ? ' (dev)' : ''}`,
    );

    // ---- The Kafka protocol listener starts here, after the engine, and stops in stop(). ----
    const broker = await getBroker();
    let report: KafkaListenerReport | null = null; // the handlers learn this instance's address once bound
    const started = await startKafkaListener(
      { ...kafkaListenerConfig(env), tls: tls ?? undefined },
      createKafkaDispatcher(broker, () => report, kafkaSettings(env)),
    );
    report = started.report;
    kafka = started.listener;
    if (stopping) {
      await kafka?.stop(0); // a signal arrived while it was binding: stop() did not see it
      return;
    }
    // Node id and listener state in the instance registry; if the database is away now, the next heartbeat retries.
    await broker.stats
      .reportKafkaListener(started.report)
      .catch((err) => console.error(`[brook] Kafka broker registration: ${errorMessage(err)}`));
  } catch (err) {
    console.error(`[brook] cannot start: ${errorMessage(err)}`);
    if (!http?.server.listening) http = null; // it never listened
    await stop('start-up failed', 1);
  }
}

/**
 * SIGHUP with TLS: the certificate and key files read again (a renewed certificate) and used for the
 * connections accepted from then on. A pair that fails the start-up checks is refused with its reason,
 * and the current one stays.
 */
function reloadCertificate(env: BrookEnv, servers: ({ setCertificate(m: TlsMaterial): void } | null)[]): void {
  try {
    const material = loadTls(env);
    if (!material) return;
    for (const server of servers) server?.setCertificate(material);
    console.log('[brook] SIGHUP: TLS certificate and key reloaded');
    console.log(describeTls(material));
  } catch (err) {
    console.error(`[brook] SIGHUP: certificate not reloaded, the current one stays: ${errorMessage(err)}`);
  }
}

main().catch((err) => {
  console.error(`[brook] cannot start: ${errorMessage(err)}`);
  process.exit(1);
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Broker } from '@/server/broker';
import { appRouter } from './root';

/**
 * Test support: the same tRPC router served over real HTTP on a random port (what the Next.js route
 * serves in production), for tests of the HTTP client without building the app.
 */
export async function startTestServer(broker: Broker): Promise<{ url: string; close(): Promise<void> }> {
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    createContext: ({ req }) => ({ broker, clientHost: req.socket.remoteAddress ?? '' }),
  });
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

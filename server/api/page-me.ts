import 'server-only';
import { connection } from 'next/server';
import { cache } from 'react';
import type { OutputOf } from '@/server/client/api-types';
import { brookEnv } from '@/server/env';
import { DEFAULT_KAFKA_LISTENER, formatHostPort } from '@/server/kafka/listener/address';
import { listenHost } from '@/server/listen-host';
import { getQueryClient, trpc } from './rsc';

/**
 * The caller of this server render (its session cookie), once per request, through `auth.me` itself: the
 * answer is the one the browser would get, and it is handed to the client with the page's other queries.
 */
export const currentMe = cache(async (): Promise<OutputOf<'auth.me'>> => {
  await connection(); // who is asking decides the page: never prerendered at build time
  try {
    return await getQueryClient().fetchQuery(trpc.auth.me.queryOptions());
  } catch {
    // The session could not be read (the database is away): show no one's controls; the page says what failed.
    return { mode: 'on', principal: null };
  }
});

/** Where this process listens, as the mode-'none' banner names it ("anyone who can reach it"). */
export function listeningOn(): string {
  const env = brookEnv();
  const host = listenHost(env.HOSTNAME);
  const http = `${host.includes(':') ? `[${host}]` : host}:${env.PORT ?? 3000}`;
  const listener = env.BROOK_KAFKA_LISTENER === 'off' ? null : (env.BROOK_KAFKA_LISTENER ?? DEFAULT_KAFKA_LISTENER);
  // Port 0 is "any free one": the address is what matters here (who can reach it), so no ":0".
  const kafka = listener && (listener.port === 0 ? formatHostPort(listener).replace(/:0$/, '') : formatHostPort(listener));
  return kafka ? `${http} (HTTP) and ${kafka} (Kafka)` : `${http} (HTTP)`;
}

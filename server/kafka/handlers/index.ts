import { adminHandlers } from './admin';
import { apiVersionsHandler } from './api-versions';
import { dataPlaneHandlers } from './data-plane';
import { groupHandlers } from './groups';
import { saslAuthenticateHandler } from './sasl-authenticate';
import { saslHandshakeHandler } from './sasl-handshake';
import type { ApiHandler } from './types';

/** Every API Brook serves over the Kafka protocol, by API key: the one source of the ApiVersions answer. */
export function handlerRegistry(extra: readonly ApiHandler[] = []): ReadonlyMap<number, ApiHandler> {
  const registry = new Map<number, ApiHandler>();
  const add = (h: ApiHandler) => {
    if (registry.has(h.apiKey)) throw new Error(`two handlers for API key ${h.apiKey} (${h.name})`);
    registry.set(h.apiKey, h);
  };
  add(apiVersionsHandler(() => [...registry.values()].map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }))));
  for (const h of [saslHandshakeHandler, saslAuthenticateHandler, ...dataPlaneHandlers, ...groupHandlers, ...adminHandlers, ...extra])
    add(h);
  return registry;
}

export type { ApiHandler, ClusterView, KafkaContext, KafkaNode } from './types';
export { defineHandler } from './types';

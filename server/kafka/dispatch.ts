import type { Broker } from '@/server/broker';
import { asBrokerError, errorMessage } from '@/server/broker/errors';
import type { Principal } from '@/server/kernel/auth-types';
import { allowed, isOpenApi, refusal } from './handlers/acl';
import { gate } from './handlers/acl-resources';
import { auditAdmin, isAuditedApi } from './handlers/admin-audit';
import { API_VERSIONS_KEY } from './handlers/api-versions';
import { isOutage, kafkaCode } from './handlers/errors';
import { handlerRegistry } from './handlers/index';
import { type ApiHandler, type ClusterView, DEFAULT_KAFKA_SETTINGS, type KafkaContext, type KafkaSettings } from './handlers/types';
import type { ConnectionInfo, KafkaDispatcher } from './listener/dispatcher';
import {
  apiVersions,
  decodeRequestHeader,
  encodeResponseHeader,
  isKafkaProtocolError,
  KafkaProtocolError,
  Reader,
  requestHeaderVersion,
  responseHeaderVersion,
  Writer,
} from './protocol';
import { AUTH_OFF, type KafkaAuth, SaslSession } from './sasl/session';

export interface DispatcherOptions {
  broker: Broker;
  cluster: ClusterView;
  settings?: KafkaSettings;
  /** Tests register extra handlers; production serves the registry as it is. */
  handlers?: ReadonlyMap<number, ApiHandler>;
  log?: (line: string) => void;
  /** The auth store (`broker.auth`): its mode decides whether connections authenticate. Default: auth off, nothing audited. */
  auth?: KafkaAuth;
}

/**
 * What handlers see as the caller of the only requests an unauthenticated connection may send
 * (ApiVersions, SaslHandshake, SaslAuthenticate), none of which look at it.
 */
const UNAUTHENTICATED: Principal = { kind: 'anonymous', name: 'unauthenticated', role: 'viewer', hidePayloads: true };

/**
 * Frame → handler → frame: reads the request header (its version follows the API version's flexibility),
 * checks the version against what the registry serves, decodes the body with the generated codec, calls
 * the handler and encodes header and body. A request that cannot be parsed closes the connection (the
 * listener does it on KafkaProtocolError), as Kafka does; a request that parses never does.
 *
 * Auth: each connection has a SaslSession. With auth on, a connection that has not
 * authenticated may only send ApiVersions, SaslHandshake and SaslAuthenticate; anything else closes it
 * (Kafka's SaslServerAuthenticator does the same), and after a v0 handshake its frames are bare SASL
 * tokens. Every request is then checked against its API's role (handlers/acl.ts) and refused with
 * Kafka's authorization errors; the admin APIs are audited.
 */
export function createDispatcher({
  broker,
  cluster,
  settings = DEFAULT_KAFKA_SETTINGS,
  handlers = handlerRegistry(),
  log = console.error,
  auth,
}: DispatcherOptions): KafkaDispatcher {
  const sessions = new WeakMap<ConnectionInfo, SaslSession>();
  const sessionOf = (conn: ConnectionInfo) => {
    let session = sessions.get(conn);
    if (!session) {
      session = new SaslSession(auth ?? AUTH_OFF, conn.remoteAddress, broker.now);
      sessions.set(conn, session);
    }
    return session;
  };
  return {
    authRequired: (auth ?? AUTH_OFF).mode === 'on',
    async handle(frame: Buffer, conn: ConnectionInfo, signal: AbortSignal): Promise<Buffer | null> {
      const sasl = sessionOf(conn);
      if (sasl.awaitsRawToken) {
        // SaslHandshake v0: this frame is a bare SASL token and so is the answer (a failure just closes).
        const outcome = await sasl.authenticate(frame);
        if (outcome.ok) {
          if (sasl.principal !== null) conn.authenticated?.();
          return outcome.bytes;
        }
        conn.endAfterAnswers();
        return null;
      }
      if (frame.length < 8) throw new KafkaProtocolError(`a request of ${frame.length} bytes has no header`);
      const apiKey = frame.readInt16BE(0);
      const apiVersion = frame.readInt16BE(2);
      const handler = handlers.get(apiKey);
      if (!handler) throw new KafkaProtocolError(`API key ${apiKey} is not served`);
      if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
        // ApiVersions of a version the broker does not know: a v0 body with UNSUPPORTED_VERSION and the full
        // list, so the client can pick a version both speak (KIP-511). Any other API: the client ignored
        // ApiVersions, and Kafka closes the connection.
        if (apiKey !== API_VERSIONS_KEY) {
          throw new KafkaProtocolError(
            `${handler.name} v${apiVersion} is not served (versions ${handler.minVersion}-${handler.maxVersion})`,
          );
        }
        const correlationId = frame.readInt32BE(4);
        const w = new Writer(512);
        encodeResponseHeader(w, 0, { correlationId });
        const all = [...handlers.values()].map(({ apiKey: k, minVersion, maxVersion }) => ({ apiKey: k, minVersion, maxVersion }));
        apiVersions.encodeApiVersionsResponse(w, 0, { errorCode: kafkaCode('UNSUPPORTED_VERSION'), apiKeys: all });
        return w.finish();
      }
      // Checked before anything is awaited, so a request pipelined behind an unfinished SASL exchange is refused too.
      let principal = sasl.principal;
      if (principal === null && !isOpenApi(handler.name)) {
        // Kafka closes such a connection without an answer; answers already due are still written.
        conn.endAfterAnswers();
        return null;
      }
      const recheck = sasl.recheck();
      if (recheck !== null) {
        principal = await recheck;
        if (principal === null) {
          conn.endAfterAnswers(); // the user was removed or the token revoked since the login
          return null;
        }
      }
      if (principal?.expiresAt !== undefined && principal.expiresAt.getTime() <= broker.now()) {
        conn.endAfterAnswers(); // the token expired: the connection's authentication with it
        return null;
      }
      const r = new Reader(frame);
      const header = decodeRequestHeader(r, requestHeaderVersion(apiKey, apiVersion));
      const request = handler.decode(r, apiVersion);
      const ctx: KafkaContext = {
        broker,
        cluster,
        settings,
        conn,
        clientId: header.clientId,
        apiVersion,
        signal,
        principal: principal ?? UNAUTHENTICATED,
        sasl,
      };
      let response: unknown;
      // The role first (the fast path, as before ACLs), then the bindings on each resource the request names.
      const roleRefused = !allowed(ctx.principal, handler.name);
      const gated = roleRefused ? null : gate(handler, request, ctx);
      const refused = roleRefused || (gated !== null && 'refuse' in gated);
      if (roleRefused) {
        response = refusal(handler, request, ctx);
      } else if (gated && 'refuse' in gated) {
        response = handler.errorResponse(request, kafkaCode(gated.refuse), ctx, gated.message);
      } else {
        try {
          response = await handler.handle(gated ? gated.request : request, ctx);
          if (gated) response = gated.finish(response);
        } catch (err) {
          if (isKafkaProtocolError(err)) throw err;
          const known = asBrokerError(err);
          if (!known) log(`[brook] Kafka ${handler.name} v${apiVersion} from ${conn.remoteAddress} failed: ${errorMessage(err)}`);
          const code = known && handler.outage && isOutage(err) ? kafkaCode(handler.outage) : known?.kafkaCode;
          response = handler.errorResponse(request, code ?? kafkaCode('UNKNOWN_SERVER_ERROR'), ctx);
        }
      }
      if (auth && response !== null && isAuditedApi(handler.name)) {
        await auditAdmin(handler.name, request, response, ctx, { refused, record: (e) => auth.audit.record(e), log });
      }
      // The listener's pre-authentication limits end with the SASL exchange that authenticated (or never applied).
      if (principal === null && sasl.principal !== null) conn.authenticated?.();
      if (response === null) return null;
      const w = new Writer(1024);
      encodeResponseHeader(w, responseHeaderVersion(apiKey, apiVersion), { correlationId: header.correlationId });
      handler.encode(w, apiVersion, response);
      return w.finish();
    },
  };
}

import { saslHandshake } from '../protocol';
import { SASL_MECHANISMS } from '../sasl/session';
import { defineHandler } from './types';

export const SASL_HANDSHAKE_KEY = 17;

/**
 * SaslHandshake 0-1: the client names its mechanism; the answer lists those served. v1 clients go on with
 * SaslAuthenticate requests, v0 clients with bare SASL tokens (KIP-152). An unknown mechanism, or a
 * handshake in the middle of one, is answered and the connection closed, as Kafka does; with auth off the
 * listener has no SASL and answers ILLEGAL_SASL_STATE.
 */
export const saslHandshakeHandler = defineHandler<saslHandshake.SaslHandshakeRequest, saslHandshake.SaslHandshakeResponse>({
  name: 'SaslHandshake',
  apiKey: SASL_HANDSHAKE_KEY,
  minVersion: 0,
  maxVersion: 1,
  decode: saslHandshake.decodeSaslHandshakeRequest,
  encode: saslHandshake.encodeSaslHandshakeResponse,
  async handle(req, ctx) {
    const { errorCode, close } = ctx.sasl.handshake(req.mechanism, ctx.apiVersion);
    if (close) ctx.conn.endAfterAnswers();
    return { errorCode, mechanisms: ctx.sasl.enabled ? [...SASL_MECHANISMS] : [] };
  },
  errorResponse: (_req, errorCode) => ({ errorCode, mechanisms: [] }),
});

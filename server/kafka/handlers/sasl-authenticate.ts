import { saslAuthenticate } from '../protocol';
import { defineHandler } from './types';

export const SASL_AUTHENTICATE_KEY = 36;

/**
 * SaslAuthenticate 0-2: one message of the mechanism chosen by SaslHandshake v1. A failure is answered with
 * its error and message (SASL_AUTHENTICATION_FAILED: wrong name or password, lockout; ILLEGAL_SASL_STATE:
 * out of order) and the connection is then closed, as Kafka does. Sessions do not expire (lifetime 0: no
 * re-authentication, KIP-368).
 */
export const saslAuthenticateHandler = defineHandler<saslAuthenticate.SaslAuthenticateRequest, saslAuthenticate.SaslAuthenticateResponse>({
  name: 'SaslAuthenticate',
  apiKey: SASL_AUTHENTICATE_KEY,
  minVersion: 0,
  maxVersion: 2,
  decode: saslAuthenticate.decodeSaslAuthenticateRequest,
  encode: saslAuthenticate.encodeSaslAuthenticateResponse,
  async handle(req, ctx) {
    const outcome = await ctx.sasl.authenticate(req.authBytes).catch((err: unknown) => {
      ctx.conn.endAfterAnswers(); // the store failed mid-exchange: answered by the dispatcher, then closed
      throw err;
    });
    if (outcome.ok) return { errorCode: 0, errorMessage: null, authBytes: outcome.bytes, sessionLifetimeMs: 0n };
    if (ctx.sasl.failed) ctx.conn.endAfterAnswers();
    return { errorCode: outcome.error.kafkaCode, errorMessage: outcome.error.message, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n };
  },
  errorResponse: (_req, errorCode) => ({ errorCode, errorMessage: null, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n }),
});

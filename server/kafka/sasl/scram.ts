import { createHmac, randomBytes } from 'node:crypto';
import { SCRAM_ITERATIONS, SCRAM_MECHANISMS, serverSignature, verifyClientProof } from '@/server/broker/auth/scram';
import { BrokerError } from '@/server/broker/errors';
import type { Principal, ScramCredential, ScramMechanism } from '@/server/kernel/auth-types';

export const isScramMechanism = (m: string): m is ScramMechanism => (SCRAM_MECHANISMS as readonly string[]).includes(m);

/** What the SCRAM exchange needs from the auth store: the credential of a user or token, by name. */
export type ScramLookup = (username: string) => Promise<{ credential: ScramCredential; principal: Principal } | null>;

/** What SCRAM answers for a name with no credential (the store derives it from a secret the cluster shares). */
export type ScramFakeCredential = (username: string) => Promise<{ salt: Buffer; iterations: number }>;

/** Client messages are a few hundred bytes; anything far bigger is not SCRAM. */
const MAX_MESSAGE_BYTES = 4096;
/** Without a store (unit tests): a key of this process only. */
const PROCESS_KEY = randomBytes(32);

/** Kafka's text for a wrong password (or an unknown name: the two must be indistinguishable). */
export const invalidCredentials = (mechanism: string) =>
  new BrokerError(
    'SASL_AUTHENTICATION_FAILED',
    `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`,
  );

const malformed = (what: string) => new BrokerError('SASL_AUTHENTICATION_FAILED', `Invalid SCRAM ${what}.`);

/** RFC 5802 saslname: `=2C` is `,` and `=3D` is `=`; any other `=` is malformed. */
export function decodeSaslName(s: string): string | null {
  if (/=(?!2C|3D)/.test(s)) return null;
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export const encodeSaslName = (s: string) => s.replace(/=/g, '=3D').replace(/,/g, '=2C');

const hmac = (hash: string, key: Buffer, data: string | Buffer) => createHmac(hash, key).update(data).digest();

/** RFC 5802 attribute list `a=v,b=w`: values may hold `=`, never `,`. */
function attributes(message: string): Array<[string, string]> {
  return message.split(',').map((part) => {
    if (part.length < 2 || part[1] !== '=') return ['', part];
    return [part[0], part.slice(2)];
  });
}

export interface ScramStep {
  /** The server's message to send back. */
  response: Buffer;
  /** Set once the client has proven its password (after the final message). */
  principal?: Principal;
}

/**
 * The server side of one SCRAM exchange (RFC 5802, RFC 7677), as Kafka runs it: client-first →
 * server-first (`r=`, `s=`, `i=`), client-final (proof) → server-final (`v=`). No channel binding (`n` or
 * `y` flag; `p=` is refused), an authzid only if it names the user itself, extensions (Kafka's
 * `tokenauth`) ignored. A name with no credential gets a made-up salt derived from the name (32 bytes, as the store's) and fails at
 * the proof like a wrong password, so the exchange does not tell which names exist. Every failure throws
 * a BrokerError SASL_AUTHENTICATION_FAILED; the state machine is then spent.
 */
export class ScramServer {
  private state: 'first' | 'final' | 'done' = 'first';
  private username = '';
  private gs2Header = '';
  private nonce = '';
  private authPrefix = '';
  private found: { credential: ScramCredential; principal: Principal } | null = null;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookup: ScramLookup,
    /** The server's part of the nonce; tests pass the RFC's fixed one. */
    private readonly serverNonce: string = randomBytes(24).toString('base64'),
    private readonly fake: ScramFakeCredential = async (username) => ({
      salt: hmac('sha256', PROCESS_KEY, `${mechanism}\0${username}`),
      iterations: SCRAM_ITERATIONS,
    }),
  ) {}

  /** After the first message: the name is a live API token's (its name is not throttled). */
  get isToken(): boolean {
    return this.found?.principal.kind === 'token';
  }

  /** The name the client gave in its first message ('' before it); for audit lines and rate limits. */
  get user(): string {
    return this.username;
  }

  async step(message: Buffer): Promise<ScramStep> {
    const state = this.state;
    this.state = 'done'; // a throw below leaves it spent; success sets the next state
    if (message.length > MAX_MESSAGE_BYTES) throw malformed('message (too long)');
    const text = message.toString('utf8');
    if (state === 'first') return this.first(text);
    if (state === 'final') return this.final(text);
    throw new BrokerError('ILLEGAL_SASL_STATE', 'The SCRAM exchange is already over.');
  }

  private async first(text: string): Promise<ScramStep> {
    // gs2-header = cbind-flag "," [authzid] ","; then client-first-bare.
    const m = /^(n|y|p=[^,]*),(a=[^,]*)?,(.*)$/s.exec(text);
    if (!m) throw malformed('client first message');
    if (m[1].startsWith('p=')) throw malformed('client first message (channel binding is not supported)');
    const bare = m[3];
    const attrs = attributes(bare);
    if (attrs[0]?.[0] === 'm') throw malformed('client first message (mandatory extension)');
    const [n, r] = attrs;
    if (n?.[0] !== 'n' || r?.[0] !== 'r') throw malformed('client first message');
    const username = decodeSaslName(n[1]);
    if (username === null || username === '') throw malformed('client first message (user name)');
    if (!/^[\x21-\x2b\x2d-\x7e]+$/.test(r[1])) throw malformed('client first message (nonce)');
    if (m[2] !== undefined && decodeSaslName(m[2].slice(2)) !== username) {
      throw new BrokerError('SASL_AUTHENTICATION_FAILED', 'Authentication failed: the authorization id must be the user name.');
    }
    this.username = username;
    this.gs2Header = `${m[1]},${m[2] ?? ''},`;
    this.nonce = r[1] + this.serverNonce;
    this.found = await this.lookup(username);
    const { salt, iterations } = this.found?.credential ?? (await this.fake(username));
    const serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`;
    this.authPrefix = `${bare},${serverFirst}`;
    this.state = 'final';
    return { response: Buffer.from(serverFirst) };
  }

  private async final(text: string): Promise<ScramStep> {
    const at = text.lastIndexOf(',p=');
    if (at < 0) throw malformed('client final message');
    const withoutProof = text.slice(0, at);
    const attrs = attributes(withoutProof);
    const [c, r] = attrs;
    if (c?.[0] !== 'c' || r?.[0] !== 'r') throw malformed('client final message');
    if (c[1] !== Buffer.from(this.gs2Header).toString('base64')) throw malformed('client final message (channel binding)');
    // Kafka checks endsWith, not equality: librdkafka (2.0 at least) sends its own nonce again in front of
    // the combined one. The AuthMessage holds the message as sent, so the proof covers what it says.
    if (!r[1].endsWith(this.nonce)) throw malformed('client final message (nonce)');
    const proof = Buffer.from(text.slice(at + 3), 'base64');
    const authMessage = `${this.authPrefix},${withoutProof}`;
    const found = this.found;
    // The proof check and the server's signature are the store's (server/broker/auth/scram.ts).
    if (!found || !verifyClientProof(this.mechanism, found.credential, authMessage, proof)) throw invalidCredentials(this.mechanism);
    const signature = serverSignature(this.mechanism, found.credential, authMessage);
    return { response: Buffer.from(`v=${signature.toString('base64')}`), principal: found.principal };
  }
}

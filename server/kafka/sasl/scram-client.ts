import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { scramHash } from '@/server/broker/auth/scram';
import type { ScramMechanism } from '@/server/kernel/auth-types';
import { encodeSaslName } from './scram';

/**
 * The client side of SCRAM (RFC 5802), for tests and the raw test client: an implementation written from
 * the RFC apart from the server's, so a test of the two together checks the server against the RFC.
 */
export class ScramClient {
  private readonly hash: 'sha256' | 'sha512';
  private readonly bare: string;
  private serverSignature: Buffer | null = null;

  constructor(
    mechanism: ScramMechanism,
    private readonly username: string,
    private readonly password: string,
    private readonly clientNonce: string = randomBytes(18).toString('base64'),
  ) {
    this.hash = scramHash(mechanism);
    this.bare = `n=${encodeSaslName(this.username)},r=${this.clientNonce}`;
  }

  first(): Buffer {
    return Buffer.from(`n,,${this.bare}`);
  }

  /** The client-final message for the server-first one; `nonceFor` changes the echoed nonce (client quirks). */
  final(serverFirst: Buffer, nonceFor: (combined: string) => string = (n) => n): Buffer {
    const text = serverFirst.toString();
    const attrs = Object.fromEntries(text.split(',').map((p) => [p[0], p.slice(2)]));
    if (!attrs.r?.startsWith(this.clientNonce)) throw new Error(`server nonce does not extend ours: ${text}`);
    const salted = pbkdf2Sync(
      this.password,
      Buffer.from(attrs.s, 'base64'),
      Number(attrs.i),
      createHash(this.hash).digest().length,
      this.hash,
    );
    const clientKey = hmac(this.hash, salted, 'Client Key');
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonceFor(attrs.r)}`;
    const authMessage = `${this.bare},${text},${withoutProof}`;
    const signature = hmac(this.hash, storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
    this.serverSignature = hmac(this.hash, hmac(this.hash, salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  /** True if the server-final message proves the server knew the credential. */
  verifyServer(serverFinal: Buffer): boolean {
    return this.serverSignature !== null && serverFinal.toString() === `v=${this.serverSignature.toString('base64')}`;
  }
}

const hmac = (hash: string, key: Buffer, data: string) => createHmac(hash, key).update(data).digest();

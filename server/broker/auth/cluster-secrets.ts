import { randomBytes } from 'node:crypto';
import type { Database } from '@/db/client';

/**
 * Secrets every instance of the cluster shares (table `cluster_secrets`): the first instance to need one
 * makes it, insert-if-absent, so instances starting together agree on whichever row won. Read once per
 * process; a failed read is retried by the next caller.
 */
export class ClusterSecrets {
  private readonly cache = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  get(name: string): Promise<Buffer> {
    let secret = this.cache.get(name);
    if (!secret) {
      secret = this.load(name);
      this.cache.set(name, secret);
      secret.catch(() => this.cache.delete(name));
    }
    return secret;
  }

  private async load(name: string): Promise<Buffer> {
    await this.db.query(
      `INSERT INTO cluster_secrets (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
      [name, randomBytes(32), this.now()],
      { name: 'cluster_secrets.create' },
    );
    const [row] = await this.db.query<{ secret: Buffer | Uint8Array }>(`SELECT secret FROM cluster_secrets WHERE name = $1`, [name], {
      name: 'cluster_secrets.get',
    });
    return Buffer.from(row.secret);
  }
}

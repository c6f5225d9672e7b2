import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './client';
import { freePort } from './private-cluster';
import { postgresUrl } from './testing';
import { transientKind } from './transient';

/** A switchable TCP hop in front of the test server: "down" refuses connections like a stopped server. */
class Hop {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}
  async up() {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => {}).on('close', () => {
          this.sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }
  /** Closes the listener and cuts every connection (as a server that stops). */
  async down() {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise((r) => server.close(r));
  }
}

const GUARD_MS = 10_000;
/** Fails the test instead of hanging it: a wedged pool never answers. */
const answered = <T>(p: Promise<T>) =>
  Promise.race([
    p.then(
      (v) => ({ v }),
      (e: unknown) => ({ e }),
    ),
    new Promise<{ wedged: true }>((r) => setTimeout(() => r({ wedged: true }), GUARD_MS)),
  ]);

describe.skipIf(!postgresUrl())('Postgres pool across failed connects', () => {
  let db: Database | undefined;
  let hop: Hop | undefined;
  afterAll(async () => {
    await hop?.down();
    await db?.close();
  });

  it('loses no slot to failed connects: calls fail retriably while down, then every slot works again', async () => {
    const target = new URL(postgresUrl());
    hop = new Hop(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    const url = new URL(target);
    url.host = `127.0.0.1:${hop.port}`;
    await hop.up();
    db = await openDatabase({ url: url.toString(), poolSize: 2 });
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);

    await hop.down();
    // Many more failed connects than slots: before the fix each one lost a slot and the third call hung.
    for (let i = 0; i < 6; i++) {
      const r = await answered(db.query('SELECT 1'));
      expect(r, `call ${i} while down`).not.toHaveProperty('wedged');
      expect(transientKind((r as { e: unknown }).e), String((r as { e: unknown }).e)).toBe('unavailable');
    }

    await hop.up();
    let ok = false;
    for (let i = 0; i < 20 && !ok; i++) {
      const r = await answered(db.query('SELECT 1 AS one'));
      expect(r, 'a call after the server came back').not.toHaveProperty('wedged');
      ok = 'v' in r;
      if (!ok) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(ok).toBe(true);
    // Both slots serve: two calls that each hold a connection run on two distinct backends.
    const both = await answered(Promise.all([0, 1].map(() => db!.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.2)'))));
    expect(both).toHaveProperty('v');
    const pids = new Set((both as { v: { pid: number }[][] }).v.map((rows) => rows[0].pid));
    expect(pids.size).toBe(2);
  });
});

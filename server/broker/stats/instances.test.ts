import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, testBackends } from '@/db/testing';
import { InstanceRegistration, listInstances } from './instances';

describe.each(testBackends())('instances (%s)', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('counts an alive instance up to now, not to its last heartbeat (it showed "8 ms" for a heartbeat period)', async () => {
    const start = 1_800_000_000_000;
    const reg = new InstanceRegistration(db, 'test', start);
    await reg.heartbeat(start + 8); // the first heartbeat, right after start
    try {
      const mine = async (now: number) => (await listInstances(db, now)).find((i) => i.instanceId === reg.instanceId);
      expect((await mine(start + 4_000))?.uptimeMs).toBe(4_000);
      // Gone (no heartbeat for longer than INSTANCE_ALIVE_MS): its uptime ends at its last heartbeat.
      const gone = await mine(start + 60_000);
      expect(gone?.alive).toBe(false);
      expect(gone?.uptimeMs).toBe(8);
    } finally {
      await reg.leave();
    }
  });
});

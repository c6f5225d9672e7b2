import { describe, expect, it, vi } from 'vitest';
import { openTestDatabase } from '@/db/testing';
import { createBroker } from '@/server/broker';
import { callApi } from './test-server';

/** An unexpected failure answers 500 with an id the server log also has, never the cause's own text. */
describe('unexpected failures', () => {
  it('answer 500 UNKNOWN_SERVER_ERROR with an id, and log the cause under the same id', async () => {
    const db = await openTestDatabase('pglite');
    const broker = createBroker(db, {});
    // A real failure, not a transient one: the embedded database is closed under the broker.
    await db.close();
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
    try {
      const res = await callApi(broker, 'GET', 'topics.list', undefined);
      expect(res.status).toBe(500);
      expect(res.body.error.data.kafka).toMatchObject({ name: 'UNKNOWN_SERVER_ERROR', retriable: false });
      const message: string = res.body.error.message;
      const id = /^Internal error \(id (\w+)\)/.exec(message)?.[1];
      expect(id, message).toBeTruthy();
      expect(message).not.toMatch(/closed|PGlite/i);
      expect(logged.some((line) => line.includes(`id ${id}`) && /closed/i.test(line))).toBe(true);
    } finally {
      spy.mockRestore();
      await broker.close().catch(() => {});
    }
  });
});

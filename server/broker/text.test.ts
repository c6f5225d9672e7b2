import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { snapshotState, testBackends, uniqueName } from '@/db/testing';
import type { Broker } from './index';
import { expectKafkaError, testBroker } from './testing';
import { textProblem } from './text';

describe('textProblem', () => {
  it.each([
    ['plain', null, null],
    ['tab\there', 'control', null],
    ['nul\u0000', 'NUL', 'NUL'],
    ['lone \ud800', 'surrogate', 'surrogate'],
    ['pair 😀', null, null],
  ])('%j', (s, asName, asText) => {
    expect(textProblem(s) ?? null).toEqual(asName === null ? null : expect.stringContaining(asName));
    expect(textProblem(s, { controls: true }) ?? null).toEqual(asText === null ? null : expect.stringContaining(asText));
  });
});

/** The engine refuses text Postgres cannot store itself, for callers that skip the HTTP edge. */
describe.each(testBackends())('engine text checks on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  testBroker(backend, (env) => ({ db, broker } = env));

  it('refuses group ids and commit metadata Postgres cannot store, changing nothing', async () => {
    const topic = uniqueName('text');
    await broker.createTopic({ name: topic, partitions: 1 });
    await broker.produce(topic, [{ value: new Uint8Array([1]) }]);
    const before = await snapshotState(db);
    for (const bad of ['g\u0000', 'g\ud800', 'g\u001b']) {
      await expectKafkaError(broker.groups.heartbeat({ groupId: bad, memberEpoch: 0, topics: [topic] }), 'INVALID_GROUP_ID');
      await expectKafkaError(broker.groups.commit({ groupId: bad, offsets: [{ topic, partition: 0, offset: 1 }] }), 'INVALID_GROUP_ID');
      await expectKafkaError(broker.groups.describe(bad), 'INVALID_GROUP_ID');
      await expectKafkaError(broker.groups.delete(bad), 'INVALID_GROUP_ID');
    }
    for (const metadata of ['m\u0000', 'm\udfff']) {
      await expectKafkaError(
        broker.groups.commit({ groupId: 'g', offsets: [{ topic, partition: 0, offset: 1, metadata }] }),
        'INVALID_REQUEST',
      );
    }
    expect(await snapshotState(db)).toBe(before);
  });
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import type { Broker } from '@/server/broker';
import { storedSize } from '@/server/broker/log/read';
import { testBroker } from '@/server/broker/testing';
import { base64RecordToJson, recordToJson } from './encoding';

/**
 * records.fetch with encoding "base64" reads keys and values as base64 text made by the database
 * (form: 'base64'); its answer must be byte for byte what encoding the bytes in Node gives.
 */
describe.each(testBackends())('fetch in base64 form on %s', (backend) => {
  let broker: Broker;
  testBroker(backend, (env) => ({ broker } = env), { start: true });

  it('answers exactly what the bytes form encoded in Node answers: nulls, empty, binary, wrapped lengths, headers', async () => {
    const topic = uniqueName('b64');
    await broker.createTopic({ name: topic, partitions: 1 });
    // encode() wraps its output every 76 characters (57 bytes): lengths around and far past that.
    const sizes = [0, 1, 2, 3, 56, 57, 58, 114, 1000, 70_000];
    const records = [
      { key: null, value: null },
      { key: new Uint8Array(0), value: new Uint8Array(0) },
      { key: null, value: Uint8Array.from([0, 0xff, 0x0a, 0x5c]) },
      ...sizes.map((n) => ({ key: randomBytes(n % 97), value: randomBytes(n) })),
      {
        key: Buffer.from('k'),
        value: null,
        headers: [
          { key: 'h-null', value: null },
          { key: 'h-bin', value: randomBytes(80) },
          { key: 'h-empty', value: new Uint8Array(0) },
        ],
      },
    ].map((r) => ({ headers: [], ...r, partition: 0 }));
    await broker.produce(topic, records);

    const bytes = await broker.fetch({ topic, partition: 0, offset: 0, maxRecords: 100, maxBytes: 1 << 20 });
    const text = await broker.fetch({ topic, partition: 0, offset: 0, maxRecords: 100, maxBytes: 1 << 20, form: 'base64' });
    expect(bytes.records).toHaveLength(records.length);
    expect(text.records.map(base64RecordToJson)).toEqual(bytes.records.map((r) => recordToJson(r, 'base64')));
    expect(JSON.stringify(text.records.map(base64RecordToJson))).toBe(JSON.stringify(bytes.records.map((r) => recordToJson(r, 'base64'))));
    expect(text.records.map(storedSize)).toEqual(bytes.records.map(storedSize));
    expect(text.records[0]).toMatchObject({ key: null, value: null });
    expect(text.records[1]).toMatchObject({ key: '', value: '' });
    expect(text.records.at(-1)?.headers).toEqual(bytes.records.at(-1)?.headers);
    expect({ hw: text.highWatermark, start: text.logStartOffset }).toEqual({ hw: bytes.highWatermark, start: bytes.logStartOffset });

    // maxBytes counts stored bytes in either form: the same records fit.
    const small = { topic, partition: 0, offset: 3, maxRecords: 100, maxBytes: 200 };
    const [b, t] = await Promise.all([broker.fetch(small), broker.fetch({ ...small, form: 'base64' })]);
    expect(t.records.map((r) => r.offset)).toEqual(b.records.map((r) => r.offset));
    expect(b.records.length).toBeGreaterThan(1);
    expect(b.records.length).toBeLessThan(records.length - 3);
  });
});

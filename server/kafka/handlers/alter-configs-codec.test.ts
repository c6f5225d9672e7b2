// kafkajs 2.2.4 as the oracle for the hand-written AlterConfigs codec: the request bytes kafkajs encodes
// decode to what it was given and re-encode to the same bytes; a response we encode decodes with kafkajs.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import {
  decodeAlterConfigsRequest,
  decodeAlterConfigsResponse,
  encodeAlterConfigsRequest,
  encodeAlterConfigsResponse,
} from './alter-configs-codec';

const require = createRequire(import.meta.url);
type KafkajsAlterConfigs = {
  protocol: (o: { version: number }) => (args: unknown) => {
    request: { apiKey: number; apiVersion: number; encode: () => Promise<{ buffer: Buffer }> };
    response: { decode: (data: Buffer) => Promise<Record<string, unknown>> };
  };
};
const kafkajs = require('kafkajs/src/protocol/requests/alterConfigs') as KafkajsAlterConfigs;

describe.each([0, 1])('AlterConfigs v%i codec against kafkajs', (version) => {
  const args = {
    resources: [
      {
        type: 2,
        name: 'orders',
        configEntries: [
          { name: 'retention.ms', value: '60000' },
          { name: 'cleanup.policy', value: 'compact' },
        ],
      },
      { type: 4, name: '1', configEntries: [] },
    ],
    validateOnly: true,
  };

  it('decodes kafkajs request bytes exactly, and re-encodes them byte for byte', async () => {
    const { request } = kafkajs.protocol({ version })(args);
    expect([request.apiKey, request.apiVersion]).toEqual([33, version]);
    const bytes = (await request.encode()).buffer;
    const r = new Reader(bytes);
    const decoded = decodeAlterConfigsRequest(r, version);
    expect(r.remaining).toBe(0);
    expect(decoded).toEqual({
      resources: [
        {
          resourceType: 2,
          resourceName: 'orders',
          configs: [
            { name: 'retention.ms', value: '60000' },
            { name: 'cleanup.policy', value: 'compact' },
          ],
        },
        { resourceType: 4, resourceName: '1', configs: [] },
      ],
      validateOnly: true,
    });
    const w = new Writer();
    encodeAlterConfigsRequest(w, version, decoded);
    expect(Buffer.from(w.finish()).equals(bytes)).toBe(true);
  });

  it('encodes a response kafkajs decodes to the same values', async () => {
    const body = {
      throttleTimeMs: 7,
      responses: [
        { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
        { errorCode: 42, errorMessage: 'read-only', resourceType: 4, resourceName: '1' },
      ],
    };
    const w = new Writer();
    encodeAlterConfigsResponse(w, version, body);
    const bytes = Buffer.from(w.finish());
    const theirs = await kafkajs.protocol({ version })(args).response.decode(bytes);
    expect(theirs.resources).toEqual(body.responses);
    expect(version === 0 ? theirs.throttleTime : theirs.clientSideThrottleTime).toBe(7);
    expect(decodeAlterConfigsResponse(new Reader(bytes), version)).toEqual(body);
  });

  it('refuses versions it does not describe and truncated bytes', async () => {
    expect(() => decodeAlterConfigsRequest(new Reader(Buffer.alloc(8)), 2)).toThrow(/outside versions/);
    const bytes = (await kafkajs.protocol({ version })(args).request.encode()).buffer;
    expect(() => decodeAlterConfigsRequest(new Reader(bytes.subarray(0, bytes.length - 3)), version)).toThrow(/truncated/);
  });
});

// Frames librdkafka 2.0.2 (kcat) really sent, and what librdkafka's mock broker answered
// (fixtures/librdkafka-2.0.2-mock.json): the request headers and bodies decode, every byte is consumed,
// and our encoders give back the very same bytes. ApiVersions v3 is a flexible request (header v2 with
// ClientId's int16 length, compact strings, tagged fields).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeApiVersionsRequest } from './generated/api-versions';
import {
  API_BY_KEY,
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from './generated/index';
import { Reader } from './reader';
import { allCodecs } from './test-support';
import { Writer } from './writer';

interface Frame {
  apiKey: number;
  apiVersion: number;
  request: string;
  response: string | null;
}
const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'librdkafka-2.0.2-mock.json'), 'utf8')) as {
  frames: Frame[];
};
const codecs = new Map((await allCodecs()).map((c) => [c.api.apiKey, c]));

describe.each(fixture.frames)('librdkafka request: api $apiKey v$apiVersion', (frame) => {
  const codec = codecs.get(frame.apiKey)!;

  it('decodes completely and re-encodes to the same bytes', () => {
    const bytes = Buffer.from(frame.request, 'hex');
    const r = new Reader(bytes);
    const hv = requestHeaderVersion(frame.apiKey, frame.apiVersion);
    const header = decodeRequestHeader(r, hv);
    expect(header).toMatchObject({ requestApiKey: frame.apiKey, requestApiVersion: frame.apiVersion, clientId: 'rdkafka' });
    const body = codec.request.decode(r, frame.apiVersion);
    expect(r.remaining).toBe(0);
    const w = new Writer();
    encodeRequestHeader(w, hv, header);
    codec.request.encode(w, frame.apiVersion, body as never);
    expect(w.finish().toString('hex')).toBe(frame.request);
  });
});

describe.each(fixture.frames.filter((f) => f.response !== null))('librdkafka mock broker response: api $apiKey v$apiVersion', (frame) => {
  const codec = codecs.get(frame.apiKey)!;

  it('decodes completely and re-encodes to the same bytes', () => {
    const bytes = Buffer.from(frame.response!, 'hex');
    const r = new Reader(bytes);
    const hv = responseHeaderVersion(frame.apiKey, frame.apiVersion);
    const header = decodeResponseHeader(r, hv);
    const body = codec.response.decode(r, frame.apiVersion);
    expect(r.remaining).toBe(0);
    const w = new Writer();
    encodeResponseHeader(w, hv, header);
    codec.response.encode(w, frame.apiVersion, body as never);
    expect(w.finish().toString('hex')).toBe(frame.response);
  });
});

describe('header versions', () => {
  it('librdkafka sends ApiVersions v3 with request header v2 and an int16 ClientId', () => {
    const frame = fixture.frames.find((f) => f.apiKey === 18 && f.apiVersion === 3)!;
    const r = new Reader(Buffer.from(frame.request, 'hex'));
    expect(requestHeaderVersion(18, 3)).toBe(2);
    expect(decodeRequestHeader(r, 2)).toEqual({ requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: 'rdkafka' });
    expect(decodeApiVersionsRequest(r, 3)).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
  });

  it('answers ApiVersions with response header v0 always, other flexible versions with v1', () => {
    expect(responseHeaderVersion(18, 3)).toBe(0);
    expect(responseHeaderVersion(3, 9)).toBe(1);
    expect(responseHeaderVersion(3, 8)).toBe(0);
    expect(requestHeaderVersion(1, 12)).toBe(2);
    expect(requestHeaderVersion(1, 11)).toBe(1);
    expect(API_BY_KEY.get(9)?.firstFlexibleVersion).toBe(6);
  });
});

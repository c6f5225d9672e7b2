import { describe, expect, it } from 'vitest';
import { decodeRequestFrame, encodeResponseFrame } from './frame';
import { decodeMetadataRequest } from './generated/metadata';
import { KafkaProtocolError } from './reader';

describe('request and response frames', () => {
  it('reads a flexible request header (v2: int16 client id, then tagged fields) and leaves the reader at the body', () => {
    // Metadata v9: key 3, version 9, correlation 7, client id "c", no tags; body: topics null (compact 0),
    // allowAutoTopicCreation true, includeClusterAuthorizedOperations and includeTopicAuthorizedOperations false, no tags.
    const frame = Buffer.from('0003000900000007000163' + '00' + '0001000000', 'hex');
    const { header, body } = decodeRequestFrame(frame);
    expect(header).toEqual({ requestApiKey: 3, requestApiVersion: 9, correlationId: 7, clientId: 'c' });
    expect(decodeMetadataRequest(body, 9)).toEqual({
      topics: null,
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(body.remaining).toBe(0);
  });

  it('refuses a frame too short to name its API', () => {
    expect(() => decodeRequestFrame(Buffer.from([0, 3]))).toThrow(KafkaProtocolError);
  });

  it('writes the size prefix and the header version of the API: v0 for ApiVersions, v1 for flexible versions', () => {
    const body = (w: { int16: (x: number) => void }) => w.int16(0x0102);
    expect(encodeResponseFrame(18, 3, 5, body).toString('hex')).toBe('00000006' + '00000005' + '0102');
    expect(encodeResponseFrame(3, 9, 5, body).toString('hex')).toBe('00000007' + '00000005' + '00' + '0102');
    expect(encodeResponseFrame(3, 8, 5, body, 1).toString('hex')).toBe('00000006' + '00000005' + '0102');
  });
});

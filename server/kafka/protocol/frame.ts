// A request frame's header in, a size-prefixed response frame out: the header-version rules applied once,
// here, so that each API handler deals with bodies only.

import {
  decodeRequestHeader,
  encodeResponseHeader,
  type RequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from './generated/index';
import { KafkaProtocolError, Reader } from './reader';
import { Writer } from './writer';

/**
 * Reads the header of a request frame (its int32 size prefix already removed); the body starts at
 * `body.offset`. An API key without generated codecs is read with header v1, which is what every
 * non-flexible request uses; the caller answers it as unsupported.
 */
export function decodeRequestFrame(frame: Buffer): { header: RequestHeader; body: Reader } {
  if (frame.length < 4) throw new KafkaProtocolError(`request frame of ${frame.length} bytes has no api key and version`);
  const body = new Reader(frame);
  const header = decodeRequestHeader(body, requestHeaderVersion(frame.readInt16BE(0), frame.readInt16BE(2)));
  return { header, body };
}

/**
 * A whole response frame: int32 size, the response header for this API version (v0 for ApiVersions), then
 * the body `writeBody` writes. `sizeHint` (the bytes expected, e.g. the sum of a Fetch's record sets)
 * spares the writer regrowing.
 */
export function encodeResponseFrame(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  writeBody: (w: Writer) => void,
  sizeHint = 256,
): Buffer {
  const w = new Writer(sizeHint + 16);
  const size = w.reserveInt32();
  encodeResponseHeader(w, responseHeaderVersion(apiKey, apiVersion), { correlationId });
  writeBody(w);
  w.setInt32(size, w.length - 4);
  return w.finish();
}

// AlterConfigs (API key 33) v0-1, written by hand: the vendored message definitions do not include it.
// Both versions are non-flexible and share one layout (v1 only lets the broker throttle). The shapes and
// names follow Kafka's AlterConfigsRequest.json / AlterConfigsResponse.json.

import { KafkaProtocolError, type Reader } from '../protocol/reader';
import { readArray, writeArray } from '../protocol/runtime';
import type { Writer } from '../protocol/writer';

export const ALTER_CONFIGS_KEY = 33;
export const ALTER_CONFIGS_MAX_VERSION = 1;

export interface AlterConfigsRequest {
  resources: AlterConfigsResource[];
  validateOnly: boolean;
}

export interface AlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: AlterableConfig[];
}

export interface AlterableConfig {
  name: string;
  value: string | null;
}

export interface AlterConfigsResponse {
  throttleTimeMs: number;
  responses: AlterConfigsResourceResponse[];
}

export interface AlterConfigsResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

function checkVersion(version: number): void {
  if (version < 0 || version > ALTER_CONFIGS_MAX_VERSION) {
    throw new KafkaProtocolError(`AlterConfigs v${version} is outside versions 0-${ALTER_CONFIGS_MAX_VERSION}`);
  }
}

const readConfig = (r: Reader): AlterableConfig => ({ name: r.string(), value: r.nullableString() });
const readResource = (r: Reader, v: number): AlterConfigsResource => ({
  resourceType: r.int8(),
  resourceName: r.string(),
  configs: readArray(r, v, false, readConfig),
});

export function decodeAlterConfigsRequest(r: Reader, version: number): AlterConfigsRequest {
  checkVersion(version);
  return { resources: readArray(r, version, false, readResource), validateOnly: r.bool() };
}

export function encodeAlterConfigsRequest(w: Writer, version: number, body: AlterConfigsRequest): void {
  checkVersion(version);
  writeArray(w, version, false, body.resources, (w2, v, res) => {
    w2.int8(res.resourceType);
    w2.string(res.resourceName);
    writeArray(w2, v, false, res.configs, (w3, _v, c) => {
      w3.string(c.name);
      w3.nullableString(c.value);
    });
  });
  w.bool(body.validateOnly);
}

export function decodeAlterConfigsResponse(r: Reader, version: number): AlterConfigsResponse {
  checkVersion(version);
  return {
    throttleTimeMs: r.int32(),
    responses: readArray(r, version, false, (r2) => ({
      errorCode: r2.int16(),
      errorMessage: r2.nullableString(),
      resourceType: r2.int8(),
      resourceName: r2.string(),
    })),
  };
}

export function encodeAlterConfigsResponse(w: Writer, version: number, body: AlterConfigsResponse): void {
  checkVersion(version);
  w.int32(body.throttleTimeMs);
  writeArray(w, version, false, body.responses, (w2, _v, res) => {
    w2.int16(res.errorCode);
    w2.nullableString(res.errorMessage);
    w2.int8(res.resourceType);
    w2.string(res.resourceName);
  });
}

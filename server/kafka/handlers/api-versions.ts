import { apiVersions } from '../protocol';
import { defineHandler } from './types';

/** The served APIs and versions, straight from the registry, so Brook advertises exactly what it implements. */
export interface ServedApi {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export const API_VERSIONS_KEY = 18;

export function apiVersionsHandler(served: () => readonly ServedApi[]) {
  return defineHandler<apiVersions.ApiVersionsRequest, apiVersions.ApiVersionsResponse>({
    name: 'ApiVersions',
    apiKey: API_VERSIONS_KEY,
    minVersion: 0,
    maxVersion: 3,
    decode: apiVersions.decodeApiVersionsRequest,
    encode: apiVersions.encodeApiVersionsResponse,
    async handle() {
      return { errorCode: 0, apiKeys: served().map((a) => ({ ...a })), throttleTimeMs: 0 };
    },
    errorResponse: (_req, errorCode) => ({ errorCode, apiKeys: served().map((a) => ({ ...a })), throttleTimeMs: 0 }),
  });
}

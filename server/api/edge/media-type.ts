import { EDGE_ERRORS, type EdgeRefusal } from './respond';

/** tRPC's own test: the media type before any parameters, case-insensitive. */
export const isJson = (contentType: string | null | undefined) => contentType?.split(';', 1)[0].trim().toLowerCase() === 'application/json';

/**
 * Mutations take JSON only. tRPC would also take multipart/form-data and octet-stream, which an HTML form or
 * a no-cors fetch() of another origin can send without a preflight; application/json cannot be sent across
 * origins without one (which Brook never grants). A body with no content type is refused too; an empty one
 * without is a call without input.
 */
export function checkJsonBody(contentType: string | null | undefined, hasBody: boolean): EdgeRefusal | null {
  if (contentType == null ? !hasBody : isJson(contentType)) return null;
  return {
    status: 415,
    trpcCode: 'UNSUPPORTED_MEDIA_TYPE',
    kafka: EDGE_ERRORS.INVALID_REQUEST,
    message: `The API takes request bodies as application/json only, not ${contentType == null ? 'a body without Content-Type' : JSON.stringify(contentType.slice(0, 100))}.`,
  };
}

import { EDGE_ERRORS, type EdgeRefusal } from './respond';

/**
 * A path whose percent-encoding is broken (`/topics/%E0%A4%A`) made Next's router throw (HTTP 500)
 * before any page ran: refuse it as the client's mistake, with the reason.
 */
export function checkPath(pathname: string): EdgeRefusal | null {
  try {
    decodeURIComponent(pathname);
    return null;
  } catch {
    return {
      status: 400,
      trpcCode: 'BAD_REQUEST',
      kafka: EDGE_ERRORS.INVALID_REQUEST,
      message: 'Bad request: the path is not valid percent-encoded UTF-8.',
    };
  }
}

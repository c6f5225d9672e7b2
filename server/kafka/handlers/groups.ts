import type { ApiHandler } from './types';

/** FindCoordinator and the classic consumer-group APIs. */
export const groupHandlers: ApiHandler[] = [];

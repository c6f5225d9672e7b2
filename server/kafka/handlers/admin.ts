import type { ApiHandler } from './types';

/** Topic administration and cluster description. */
export const adminHandlers: ApiHandler[] = [];

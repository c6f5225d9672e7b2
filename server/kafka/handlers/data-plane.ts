import type { ApiHandler } from './types';

/** Metadata, Produce, Fetch, ListOffsets, InitProducerId. */
export const dataPlaneHandlers: ApiHandler[] = [];

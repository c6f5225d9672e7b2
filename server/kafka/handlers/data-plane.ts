import { fetchHandler } from './fetch';
import { listOffsetsHandler } from './list-offsets';
import { metadataHandler } from './metadata';
import type { ApiHandler } from './types';

/** Metadata, Produce, Fetch, ListOffsets, InitProducerId. */
export const dataPlaneHandlers: ApiHandler[] = [metadataHandler, listOffsetsHandler, fetchHandler];

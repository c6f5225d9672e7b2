import { fetchHandler } from './fetch';
import { initProducerIdHandler } from './init-producer-id';
import { listOffsetsHandler } from './list-offsets';
import { metadataHandler } from './metadata';
import { produceHandler } from './produce';
import type { ApiHandler } from './types';

/** Metadata, Produce, Fetch, ListOffsets, InitProducerId. */
export const dataPlaneHandlers: ApiHandler[] = [metadataHandler, produceHandler, fetchHandler, listOffsetsHandler, initProducerIdHandler];

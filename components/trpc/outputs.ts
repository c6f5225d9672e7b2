import type { OutputOf } from '@/server/client/api-types';

/**
 * The shapes the console draws, as the API answers them (JSON, from the router's types): components
 * name these instead of reaching into the engine's modules.
 */
export type TopicDescription = NonNullable<OutputOf<'topics.get'>>;
export type SegmentDescription = OutputOf<'topics.segments'>[number];
export type GroupSummary = OutputOf<'groups.list'>[number];
export type GroupDescription = NonNullable<OutputOf<'groups.describe'>>;
export type GroupLag = NonNullable<OutputOf<'groups.lag'>>;
export type LagHistory = NonNullable<OutputOf<'groups.lagHistory'>>;
export type InstanceKafka = OutputOf<'clusters.describe'>['instances'][number]['kafka'];
export type Lane = NonNullable<OutputOf<'learn.scratch'>>['lanes'][number];
export type AclBinding = OutputOf<'acls.list'>[number];

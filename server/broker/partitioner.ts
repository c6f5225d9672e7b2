/** The engine's partitioning is the one pure module the client library shares (server/kernel/partitioning.ts). */
export { murmur2, partitionForKey, StickyPartitioner, toPositive } from '@/server/kernel/partitioning';

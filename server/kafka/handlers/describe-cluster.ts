import { KAFKA_ERRORS } from '@/server/broker';
import { describeCluster } from '../protocol';
import { defineHandler } from './types';

const ENDPOINT_BROKERS = 1;
/** Kafka's "authorized operations not requested" marker (Integer.MIN_VALUE). */
const OPERATIONS_OMITTED = -2147483648;

/**
 * DescribeCluster v0-1: the live Brook instances with a Kafka listener, as brokers. Any instance can act
 * for the cluster; the controller reported is the lowest node id, so every instance names the same one.
 */
export const describeClusterHandler = defineHandler<describeCluster.DescribeClusterRequest, describeCluster.DescribeClusterResponse>({
  name: 'DescribeCluster',
  apiKey: 60,
  minVersion: 0,
  maxVersion: 1,
  decode: describeCluster.decodeDescribeClusterRequest,
  encode: describeCluster.encodeDescribeClusterResponse,
  async handle(request, ctx) {
    const clusterId = await ctx.cluster.clusterId();
    if (request.endpointType !== ENDPOINT_BROKERS) {
      return {
        throttleTimeMs: 0,
        errorCode: KAFKA_ERRORS.INVALID_REQUEST.code, // Brook has no separate controllers to describe.
        errorMessage: `Endpoint type ${request.endpointType} is not served: Brook describes brokers (1) only.`,
        endpointType: request.endpointType,
        clusterId,
        controllerId: -1,
        brokers: [],
        clusterAuthorizedOperations: OPERATIONS_OMITTED,
      };
    }
    const brokers = await ctx.cluster.brokers();
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: ENDPOINT_BROKERS,
      clusterId,
      controllerId: brokers[0]?.nodeId ?? -1,
      brokers: brokers.map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      clusterAuthorizedOperations: OPERATIONS_OMITTED,
    };
  },
  /** Only with nothing cached: retried by admin clients. */
  outage: 'COORDINATOR_NOT_AVAILABLE',
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    errorCode,
    errorMessage: null,
    endpointType: request.endpointType,
    clusterId: '',
    controllerId: -1,
    brokers: [],
    clusterAuthorizedOperations: OPERATIONS_OMITTED,
  }),
});

import { aclHandlers } from './acls';
import { alterConfigsHandler } from './alter-configs';
import { createPartitionsHandler } from './create-partitions';
import { createTopicsHandler } from './create-topics';
import { deleteTopicsHandler } from './delete-topics';
import { describeClusterHandler } from './describe-cluster';
import { describeConfigsHandler } from './describe-configs';
import type { ApiHandler } from './types';

/** Topic administration, cluster description and ACLs. */
export const adminHandlers: ApiHandler[] = [
  createTopicsHandler,
  deleteTopicsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  createPartitionsHandler,
  describeClusterHandler,
  ...aclHandlers,
];

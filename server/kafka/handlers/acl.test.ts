import { describe, expect, it } from 'vitest';
import { type Principal, ROLES } from '@/server/kernel/auth-types';
import { allowed, KAFKA_ACL } from './acl';
import { handlerRegistry } from './index';

const as = (role: Principal['role']): Principal => ({ kind: 'user', name: role, role, hidePayloads: false });

describe('Kafka ACL table', () => {
  it('has a line for every served API and none for an API not served', () => {
    const served = [...handlerRegistry().values()].map((h) => h.name).sort();
    expect(Object.keys(KAFKA_ACL).sort()).toEqual(served);
  });

  it('gives each role the APIs of its class and refuses an API it does not know', () => {
    const classes = {
      open: ['ApiVersions', 'SaslHandshake', 'SaslAuthenticate'],
      read: [
        'Metadata',
        'ListOffsets',
        'FindCoordinator',
        'DescribeConfigs',
        'ListGroups',
        'DescribeGroups',
        'OffsetFetch',
        'DescribeCluster',
      ],
      write: ['Produce', 'Fetch', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetCommit', 'InitProducerId'],
      admin: ['CreateTopics', 'DeleteTopics', 'CreatePartitions', 'AlterConfigs', 'DeleteGroups'],
    };
    const may = { viewer: ['open', 'read'], producer: ['open', 'read', 'write'], admin: ['open', 'read', 'write', 'admin'] };
    for (const role of ROLES) {
      for (const [cls, apis] of Object.entries(classes)) {
        for (const api of apis) expect(allowed(as(role), api), `${role} ${api}`).toBe(may[role].includes(cls));
      }
      expect(allowed(as(role), 'AlterReplicaLogDirs')).toBe(role === 'admin');
    }
  });

  it('refuses Fetch to a role whose payloads are hidden (a record batch cannot be blanked), whatever the role', () => {
    expect(allowed({ ...as('admin'), hidePayloads: true }, 'Fetch')).toBe(false);
    expect(allowed({ ...as('admin'), hidePayloads: true }, 'Produce')).toBe(true);
    expect(allowed(as('producer'), 'Fetch')).toBe(true);
  });
});

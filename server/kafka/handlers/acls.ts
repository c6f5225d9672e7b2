import type { AuditActor } from '@/server/broker/auth';
import {
  type AclBinding,
  type AclBindingFilter,
  checkFilter,
  nameOfCode,
  OPERATION_CODES,
  PATTERN_TYPE_CODES,
  PERMISSION_CODES,
  RESOURCE_TYPE_CODES,
} from '@/server/broker/auth/acls';
import { asBrokerError } from '@/server/broker/errors';
import { createAcls, deleteAcls, describeAcls } from '../protocol';
import { defineHandler, type KafkaContext } from './types';

/** A wire filter (DescribeAcls' request, one of DeleteAcls' filters) as the engine's input. */
const filterInput = (f: describeAcls.DescribeAclsRequest | deleteAcls.DeleteAclsFilter) => ({
  resourceType: nameOfCode(RESOURCE_TYPE_CODES, f.resourceTypeFilter),
  patternType: nameOfCode(PATTERN_TYPE_CODES, f.patternTypeFilter),
  resourceName: f.resourceNameFilter,
  principal: f.principalFilter,
  host: f.hostFilter,
  operation: nameOfCode(OPERATION_CODES, f.operation),
  permission: nameOfCode(PERMISSION_CODES, f.permissionType),
});

const actor = (ctx: KafkaContext): AuditActor => ({ principal: ctx.principal, address: ctx.conn.remoteAddress });

const failure = (err: unknown) => {
  const known = asBrokerError(err);
  if (!known) throw err;
  return { errorCode: known.kafkaCode, errorMessage: known.message };
};

/** DescribeAcls 0-3: the bindings matching the filter, grouped by resource pattern. Admins only (DESCRIBE on the cluster). */
export const describeAclsHandler = defineHandler<describeAcls.DescribeAclsRequest, describeAcls.DescribeAclsResponse>({
  name: 'DescribeAcls',
  apiKey: 29,
  minVersion: 0,
  maxVersion: 3,
  decode: describeAcls.decodeDescribeAclsRequest,
  encode: describeAcls.encodeDescribeAclsResponse,
  async handle(req, ctx) {
    let bindings: AclBinding[];
    try {
      bindings = await ctx.broker.auth.acls.describe(filterInput(req));
    } catch (err) {
      return { throttleTimeMs: 0, ...failure(err), resources: [] };
    }
    const byResource = new Map<string, describeAcls.DescribeAclsResource>();
    for (const b of bindings) {
      const key = `${b.resourceType}\0${b.patternType}\0${b.resourceName}`;
      let resource = byResource.get(key);
      if (!resource) {
        resource = {
          resourceType: RESOURCE_TYPE_CODES[b.resourceType],
          resourceName: b.resourceName,
          patternType: PATTERN_TYPE_CODES[b.patternType],
          acls: [],
        };
        byResource.set(key, resource);
      }
      resource.acls.push({
        principal: b.principal,
        host: b.host,
        operation: OPERATION_CODES[b.operation],
        permissionType: PERMISSION_CODES[b.permission],
      });
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, resources: [...byResource.values()] };
  },
  errorResponse: (_req, errorCode, _ctx, errorMessage) => ({
    throttleTimeMs: 0,
    errorCode,
    errorMessage: errorMessage ?? null,
    resources: [],
  }),
});

/** CreateAcls 0-3: each binding stored, or refused on its own (INVALID_REQUEST). Admins only (ALTER on the cluster). */
export const createAclsHandler = defineHandler<createAcls.CreateAclsRequest, createAcls.CreateAclsResponse>({
  name: 'CreateAcls',
  apiKey: 30,
  minVersion: 0,
  maxVersion: 3,
  decode: createAcls.decodeCreateAclsRequest,
  encode: createAcls.encodeCreateAclsResponse,
  async handle(req, ctx) {
    const outcomes = await ctx.broker.auth.acls.create(
      actor(ctx),
      req.creations.map((c) => ({
        resourceType: nameOfCode(RESOURCE_TYPE_CODES, c.resourceType),
        // v0 has no pattern type: LITERAL (the decoder's default).
        patternType: nameOfCode(PATTERN_TYPE_CODES, c.resourcePatternType),
        resourceName: c.resourceName,
        principal: c.principal,
        host: c.host,
        operation: nameOfCode(OPERATION_CODES, c.operation),
        permission: nameOfCode(PERMISSION_CODES, c.permissionType),
      })),
    );
    return {
      throttleTimeMs: 0,
      results: outcomes.map((o) => (o ? { errorCode: o.kafkaCode, errorMessage: o.message } : { errorCode: 0, errorMessage: null })),
    };
  },
  errorResponse: (req, errorCode, _ctx, errorMessage) => ({
    throttleTimeMs: 0,
    results: req.creations.map(() => ({ errorCode, errorMessage: errorMessage ?? null })),
  }),
});

/** DeleteAcls 0-3: per filter, the bindings it matched and removed; a bad filter is refused on its own. Admins only. */
export const deleteAclsHandler = defineHandler<deleteAcls.DeleteAclsRequest, deleteAcls.DeleteAclsResponse>({
  name: 'DeleteAcls',
  apiKey: 31,
  minVersion: 0,
  maxVersion: 3,
  decode: deleteAcls.decodeDeleteAclsRequest,
  encode: deleteAcls.encodeDeleteAclsResponse,
  async handle(req, ctx) {
    const checked = req.filters.map((f): AclBindingFilter | ReturnType<typeof failure> => {
      try {
        return checkFilter(filterInput(f));
      } catch (err) {
        return failure(err);
      }
    });
    const valid = checked.filter((c): c is AclBindingFilter => 'resourceType' in c);
    const removed = valid.length > 0 ? await ctx.broker.auth.acls.delete(actor(ctx), valid) : [];
    let next = 0;
    return {
      throttleTimeMs: 0,
      filterResults: checked.map((c) => {
        if (!('resourceType' in c)) return { ...c, matchingAcls: [] };
        return { errorCode: 0, errorMessage: null, matchingAcls: removed[next++].map(matching) };
      }),
    };
  },
  errorResponse: (req, errorCode, _ctx, errorMessage) => ({
    throttleTimeMs: 0,
    filterResults: req.filters.map(() => ({ errorCode, errorMessage: errorMessage ?? null, matchingAcls: [] })),
  }),
});

const matching = (b: AclBinding): deleteAcls.DeleteAclsMatchingAcl => ({
  errorCode: 0,
  errorMessage: null,
  resourceType: RESOURCE_TYPE_CODES[b.resourceType],
  resourceName: b.resourceName,
  patternType: PATTERN_TYPE_CODES[b.patternType],
  principal: b.principal,
  host: b.host,
  operation: OPERATION_CODES[b.operation],
  permissionType: PERMISSION_CODES[b.permission],
});

export const aclHandlers = [describeAclsHandler, createAclsHandler, deleteAclsHandler];

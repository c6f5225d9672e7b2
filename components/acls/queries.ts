'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AclBinding } from '@/components/trpc/outputs';
import { useTRPC } from '@/components/trpc/provider';
import { type AclOperation, OPERATIONS, RESOURCE_TYPES, type ResourceType } from '@/server/kernel/acl-names';
import { type AclFilterForm, listInput } from './filter';

export { type AclFilterForm, listInput, NO_FILTER } from './filter';

export function useAcls(filter: AclFilterForm) {
  const trpc = useTRPC();
  return useQuery(trpc.acls.list.queryOptions(listInput(filter)));
}

export function useAclActions() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const onSuccess = () => qc.invalidateQueries({ queryKey: trpc.acls.pathKey() });
  return {
    create: useMutation(trpc.acls.create.mutationOptions({ onSuccess })),
    remove: useMutation(trpc.acls.delete.mutationOptions({ onSuccess })),
  };
}

export const RESOURCE_TYPE_OPTIONS: readonly ResourceType[] = RESOURCE_TYPES;
export const OPERATION_OPTIONS: readonly AclOperation[] = OPERATIONS;
export const bindingKey = (b: AclBinding) =>
  [b.resourceType, b.patternType, b.resourceName, b.principal, b.host, b.operation, b.permission].join('|');

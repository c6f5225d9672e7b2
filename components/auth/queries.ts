'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/provider';

/** A time from the API: a Date in a server render, an ISO string over JSON. */
export const toMs = (t: Date | string | null | undefined): number | null => (t === null || t === undefined ? null : new Date(t).getTime());

export function useUsers() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.users.queryOptions());
}

export function useTokens() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.tokens.queryOptions());
}

/** Every user and token change: both lists, and the audit log (it has a line for each). */
function useRefresh() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: trpc.auth.pathKey() });
}

export function useUserActions() {
  const trpc = useTRPC();
  const onSuccess = useRefresh();
  return {
    add: useMutation(trpc.auth.addUser.mutationOptions({ onSuccess })),
    setPassword: useMutation(trpc.auth.setPassword.mutationOptions({ onSuccess })),
    setRole: useMutation(trpc.auth.setRole.mutationOptions({ onSuccess })),
    remove: useMutation(trpc.auth.removeUser.mutationOptions({ onSuccess })),
  };
}

export function useTokenActions() {
  const trpc = useTRPC();
  const onSuccess = useRefresh();
  return {
    create: useMutation(trpc.auth.createToken.mutationOptions({ onSuccess })),
    revoke: useMutation(trpc.auth.revokeToken.mutationOptions({ onSuccess })),
  };
}

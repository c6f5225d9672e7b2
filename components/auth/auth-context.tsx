'use client';

import { createContext, useContext } from 'react';
import type { Permission } from '@/server/kernel/auth-types';
import { type Me, meAllows } from './me';

const MeContext = createContext<Me>({ mode: 'off', principal: null });

/** The caller as the layout read it on the server, so the first paint already shows the right controls. */
export function AuthProvider({ me, children }: { me: Me; children: React.ReactNode }) {
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}

export function useMe(): Me {
  return useContext(MeContext);
}

/** Whether the caller's role may do this: controls it may not use are not rendered (the server refuses anyway). */
export function useCan(permission: Permission): boolean {
  return meAllows(useMe(), permission);
}

/** Renders its children only for callers whose role allows `permission`. */
export function Can({ permission, children }: { permission: Permission; children: React.ReactNode }) {
  return useCan(permission) ? children : null;
}

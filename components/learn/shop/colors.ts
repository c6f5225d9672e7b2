import type { ServiceName, ShopStatus } from './types';

/** The two groups' markers keep one colour each; members get their own, shared by cards and lanes. */
export const GROUP_COLOR: Record<ServiceName, string> = { inventory: '#0d9488', email: '#9333ea' };
const MEMBER_COLORS = [
  '#2563eb',
  '#d97706',
  '#db2777',
  '#16a34a',
  '#7c3aed',
  '#0891b2',
  '#dc2626',
  '#65a30d',
  '#ea580c',
  '#4f46e5',
  '#be185d',
  '#0369a1',
];

export interface MemberLook {
  color: string;
  /** "inventory 2": the member's order of joining, easier to follow than its id. */
  label: string;
}

/** One colour and label per member of both services, stable while the member lives. */
export function memberLooks(status: ShopStatus): Map<string, MemberLook> {
  const looks = new Map<string, MemberLook>();
  for (const service of ['inventory', 'email'] as const) {
    // Up to 6 members each: email's colours start after inventory's, so adding one recolours nobody.
    const base = service === 'inventory' ? 0 : 6;
    status.services[service].members.forEach((m, n) => {
      looks.set(m.memberId, { color: MEMBER_COLORS[(base + n) % MEMBER_COLORS.length], label: `${service} ${n + 1}` });
    });
  }
  return looks;
}

import type { ResourceType } from '@/server/kernel/acl-names';

/** The page's filter: what the URL-free form holds ('' for any). */
export interface AclFilterForm {
  resourceType: ResourceType | 'ANY';
  resourceName: string;
  principal: string;
}

export const NO_FILTER: AclFilterForm = { resourceType: 'ANY', resourceName: '', principal: '' };

/**
 * The filter as acls.list takes it: a name matches the bindings that apply to it (Kafka's MATCH). The
 * principal is matched in the page as typed (a partial `User:al` is not a principal the server accepts).
 */
export const listInput = (f: AclFilterForm) => ({
  resourceType: f.resourceType,
  patternType: f.resourceName.trim() === '' ? ('ANY' as const) : ('MATCH' as const),
  resourceName: f.resourceName.trim() || null,
});

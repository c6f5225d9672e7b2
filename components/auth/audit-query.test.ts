import { describe, expect, it } from 'vitest';
import { AUDIT_PAGE, auditHref, auditQuery } from './audit-query';

describe('the audit page URL', () => {
  it('reads filters and the page from the URL, one entry more than a page to know if there is an older one', () => {
    expect(auditQuery({})).toEqual({ limit: AUDIT_PAGE + 1 });
    expect(auditQuery({ actor: ' admin ', action: 'auth.login', before: '120' })).toEqual({
      limit: AUDIT_PAGE + 1,
      actor: 'admin',
      action: 'auth.login',
      before: '120',
    });
    expect(auditQuery({ actor: ['a', 'b'], action: '  ' })).toEqual({ limit: AUDIT_PAGE + 1, actor: 'a' });
  });

  it('writes the same URL back', () => {
    expect(auditHref({})).toBe('/audit');
    expect(auditHref({ actor: 'vera', action: 'topics.delete', before: '7' })).toBe('/audit?actor=vera&action=topics.delete&before=7');
    const q = auditQuery(Object.fromEntries(new URL(`http://x${auditHref({ actor: 'a&b', before: '3' })}`).searchParams));
    expect(q).toEqual({ limit: AUDIT_PAGE + 1, actor: 'a&b', before: '3' });
  });
});

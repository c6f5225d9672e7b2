import { describe, expect, it } from 'vitest';
import { loginErrorMessage, type Me, meAllows, safeNext } from './me';

const as = (role: 'viewer' | 'producer' | 'admin'): Me => ({
  mode: 'on',
  principal: { name: 'u', kind: 'user', role, hidePayloads: false },
});

describe('the console and the caller', () => {
  it('shows a control only to roles that may use it; with auth off or none everyone may', () => {
    expect(meAllows(as('viewer'), 'read')).toBe(true);
    expect(meAllows(as('viewer'), 'write')).toBe(false);
    expect(meAllows(as('producer'), 'write')).toBe(true);
    expect(meAllows(as('producer'), 'admin')).toBe(false);
    expect(meAllows(as('admin'), 'admin')).toBe(true);
    expect(meAllows({ mode: 'on', principal: null }, 'read')).toBe(false);
    expect(meAllows({ mode: 'off', principal: null }, 'admin')).toBe(true);
    expect(meAllows({ mode: 'none', principal: null }, 'admin')).toBe(true);
  });

  it('goes back after login only to a path on this site', () => {
    expect(safeNext('/topics/orders?tab=configs')).toBe('/topics/orders?tab=configs');
    expect(safeNext(['/groups', '/x'])).toBe('/groups');
    for (const bad of [undefined, null, '', 'https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)', '/a\nb'])
      expect(safeNext(bad)).toBe('/');
    // Not back to the login page itself (a loop).
    expect(safeNext('/login?next=/topics')).toBe('/');
  });

  it('says what a failed login means without saying which part was wrong', () => {
    expect(loginErrorMessage({ message: 'Invalid credentials.', data: { code: 'UNAUTHORIZED' } })).toBe('Wrong user name or password.');
    const wait = 'Too many failed logins for this user name or from this address: try again in 840 s (after 2026-12-01T01:06:14.004Z).';
    expect(loginErrorMessage({ message: wait, data: { code: 'TOO_MANY_REQUESTS' } })).toBe(wait);
    expect(loginErrorMessage({ message: 'x', data: { code: 'BAD_REQUEST' } })).toBe('Enter a user name and a password.');
    expect(loginErrorMessage(null)).toBe('');
  });
});

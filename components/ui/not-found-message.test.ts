import { describe, expect, it } from 'vitest';
import { describeMissing } from './not-found-message';

describe('the 404 page says what was not found', () => {
  it.each([
    ['/topics/orders', 'Topic "orders" does not exist.', '/topics'],
    ['/topics/orders/2/15', 'Topic "orders" or its partition 2 does not exist.', '/topics'],
    ['/groups/billing', 'Consumer group "billing" does not exist.', '/groups'],
    ['/groups/a%20b', 'Consumer group "a b" does not exist.', '/groups'],
    ['/topics/orders/x/y/z', 'Page not found.', '/'],
    ['/_not-found', 'Page not found.', '/'],
    ['/groups/%E0%A4%A', 'Consumer group "%E0%A4%A" does not exist.', '/groups'],
  ])('%s', (path, what, back) => {
    const m = describeMissing(path);
    expect(m.what).toBe(what);
    expect(m.back.href).toBe(back);
  });
});

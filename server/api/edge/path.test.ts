import { describe, expect, it } from 'vitest';
import { checkPath } from './path';

describe('checkPath', () => {
  it.each(['/topics/orders', '/topics/caf%C3%A9', '/topics/a%2Fb', '/'])('accepts %s', (p) => {
    expect(checkPath(p)).toBeNull();
  });

  it.each(['/topics/%E0%A4%A', '/groups/%', '/topics/%FF', '/topics/%C3'])('refuses %s with 400 INVALID_REQUEST', (p) => {
    expect(checkPath(p)).toMatchObject({ status: 400, kafka: { name: 'INVALID_REQUEST', code: 42 } });
  });
});

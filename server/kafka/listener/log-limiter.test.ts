import { describe, expect, it } from 'vitest';
import { LogLimiter } from './log-limiter';

describe('LogLimiter', () => {
  it('lets `burst` lines through per window and reports how many it suppressed with the next one', () => {
    let now = 0;
    const lines: string[] = [];
    const limiter = new LogLimiter((l) => lines.push(l), { burst: 2, windowMs: 1000, now: () => now });
    for (let i = 1; i <= 5; i++) limiter.log(`bad ${i}`);
    expect(lines).toEqual(['bad 1', 'bad 2']);
    now = 999;
    limiter.log('bad 6');
    expect(lines).toHaveLength(2);
    now = 1000;
    limiter.log('bad 7');
    limiter.log('bad 8');
    expect(lines).toEqual(['bad 1', 'bad 2', 'bad 7 (4 similar line(s) suppressed before this one)', 'bad 8']);
  });
});

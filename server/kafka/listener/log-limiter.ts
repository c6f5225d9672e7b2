/**
 * At most `burst` lines per `windowMs`; the rest are counted and the count is reported with the next line
 * that gets through. A flood of bad connections (a port scanner, a client speaking HTTP to 9092) then
 * costs a few log lines a minute, not one per connection.
 */
export class LogLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private inWindow = 0;
  private suppressed = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly options: { burst: number; windowMs: number; now?: () => number } = { burst: 10, windowMs: 60_000 },
  ) {}

  log(line: string): void {
    const now = (this.options.now ?? Date.now)();
    if (now - this.windowStart >= this.options.windowMs) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (this.inWindow >= this.options.burst) {
      this.suppressed++;
      return;
    }
    this.inWindow++;
    const note = this.suppressed > 0 ? ` (${this.suppressed} similar line(s) suppressed before this one)` : '';
    this.suppressed = 0;
    this.write(line + note);
  }
}

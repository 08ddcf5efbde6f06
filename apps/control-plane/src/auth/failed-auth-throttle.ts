import { Injectable } from '@nestjs/common';

const WINDOW_MS = 60_000;
const MAX_FAILURES = 20;

/**
 * Throttles clients that keep failing to authenticate: after MAX_FAILURES failures in a minute a
 * client (by address) gets 429 with Retry-After until the window has room again. In memory, per
 * process: enough to blunt guessing, which 160+ bits of key entropy already make hopeless.
 */
@Injectable()
export class FailedAuthThrottle {
  private readonly failures = new Map<string, number[]>();

  /** Seconds the client must wait, or 0 when it may try. */
  retryAfterSeconds(client: string, now = Date.now()): number {
    const recent = this.recent(client, now);
    if (recent.length < MAX_FAILURES) return 0;
    return Math.max(1, Math.ceil((recent[0] + WINDOW_MS - now) / 1000));
  }

  recordFailure(client: string, now = Date.now()): void {
    const recent = this.recent(client, now);
    recent.push(now);
    this.failures.set(client, recent);
    if (this.failures.size > 100_000) this.failures.clear();
  }

  private recent(client: string, now: number): number[] {
    return (this.failures.get(client) ?? []).filter((at) => at > now - WINDOW_MS);
  }
}

import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

const WINDOW_MS = 60_000;
const MAX_FAILURES = 20;
/** At most this many clients are tracked; the least recently failing one makes room (never a wholesale reset). */
const MAX_CLIENTS = 50_000;

interface Window {
  readonly started: number;
  count: number;
}

/**
 * Throttles clients that keep failing to authenticate. Only failures count, and only failures are
 * refused: the credential is always checked first, so a valid key is never turned away, even from an
 * address (a load balancer, a NAT) that others keep failing from. After MAX_FAILURES failures in a
 * window, further failures from that client answer 429 with Retry-After instead of 401.
 *
 * The client is the socket address, or the forwarded one when DWC_TRUST_PROXY says which proxies to
 * believe; IPv6 clients count per /64, the block one subscriber holds. Memory is capped by an LRU of
 * MAX_CLIENTS entries: an attacker can only push out other clients' counters by failing from that
 * many distinct blocks, and never clears the table at once.
 */
@Injectable()
export class FailedAuthThrottle {
  private readonly windows = new LRUCache<string, Window>({ max: MAX_CLIENTS });

  /** Counts one failure; answers the seconds the client must wait when it is over the limit, else 0. */
  recordFailure(client: string, now = Date.now()): number {
    const key = clientKey(client);
    let window = this.windows.get(key);
    if (!window || window.started + WINDOW_MS <= now) {
      window = { started: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= MAX_FAILURES) return 0;
    return Math.max(1, Math.ceil((window.started + WINDOW_MS - now) / 1000));
  }

  get trackedClients(): number {
    return this.windows.size;
  }
}

/** IPv4 as is; IPv6 by its /64 prefix (one subscriber's block), IPv4-mapped IPv6 as IPv4. */
export const clientKey = (address: string): string => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.split('::');
  const groups = head.split(':').filter(Boolean);
  const expanded = [...groups, ...Array(Math.max(0, 8 - groups.length - tail.split(':').filter(Boolean).length)).fill('0'), ...tail.split(':').filter(Boolean)];
  return `${expanded.slice(0, 4).join(':')}::/64`;
};

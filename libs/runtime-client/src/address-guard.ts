import { AsyncLocalStorage } from 'node:async_hooks';
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { FetchLike } from './http-transport';

/**
 * What a connection to a runtime target may reach. Checked on every connection, against the
 * addresses the host resolves to at that moment — not once at registration — so a name that
 * re-resolves later (DNS rebinding) cannot steer forwarding, probes or usage pulls into the
 * control plane's own network.
 */
export interface AddressGuard {
  /** False: every address is allowed (DWC_TARGET_ADDRESS_POLICY=any). Read on every connection. */
  enforced(): boolean;
  isInternal(address: string): boolean;
  /** Hosts that may be internal anyway (the platform's own runtime targets). */
  mayReachInternal(hostname: string): Promise<boolean>;
}

export type LookupImpl = (hostname: string, options: { all: true }, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const platformCalls = new AsyncLocalStorage<true>();

/**
 * Runs `work` as a call for the platform operator (registering a platform target, which has no row
 * yet to be recognised by): its connections may reach internal addresses.
 */
export const asPlatformCall = <T>(work: () => Promise<T>): Promise<T> => platformCalls.run(true, work);

const exempt = async (guard: AddressGuard, hostname: string) => platformCalls.getStore() === true || guard.mayReachInternal(hostname);

export class AddressRefusedError extends Error {
  readonly code = 'EADDRNOTALLOWED';
  constructor(hostname: string) {
    super(`${hostname} resolves to an internal address, which DWC_TARGET_ADDRESS_POLICY=public refuses for organization runtime targets`);
  }
}

/**
 * A fetch whose connections resolve names through the guard: an internal address answers
 * "unreachable" before any byte is sent, and a connection is made only to an address that was checked.
 */
export function guardedFetch(guard: AddressGuard, lookupImpl: LookupImpl = dnsLookup as unknown as LookupImpl): FetchLike {
  const lookup = (hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    lookupImpl(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error);
      const usable = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
      const answer = () => (options.all ? callback(null, usable) : callback(null, usable[0]?.address, usable[0]?.family));
      if (!guard.enforced() || !usable.some((a) => guard.isInternal(a.address))) return answer();
      exempt(guard, hostname).then(
        (allowed) => (allowed ? answer() : callback(new AddressRefusedError(hostname))),
        (failure) => callback(failure),
      );
    });
  };
  const agent = new Agent({ connect: { lookup: lookup as never } });
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An address literal is never looked up, so it is checked here.
    if (isIP(host) && guard.enforced() && guard.isInternal(host) && !(await exempt(guard, host))) {
      throw new TypeError('fetch failed', { cause: new AddressRefusedError(host) });
    }
    return undiciFetch(url, { ...(init as object), dispatcher: agent } as never) as unknown as Response;
  }) as FetchLike;
}

import { Provider } from '@nestjs/common';
import { cappedFetch, guardedFetch, RuntimeClient } from '../../../../libs/runtime-client/src';
import { ControlPlaneConfig } from '../config/config';
import { DEFAULT_RUNTIME_MAX_RESPONSE_BYTES, DEFAULT_RUNTIME_TIMEOUT_MS } from '../config/runtime-target-config';
import { Platform } from '../platform/platform';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { isInternalAddress } from './target-address-policy';

export const RUNTIME_CLIENT = Symbol('RuntimeClient');

const PLATFORM_HOSTS_TTL_MS = 5_000;

/**
 * One stateless client for every runtime target; targets are passed per call. Every connection it
 * opens is checked against DWC_TARGET_ADDRESS_POLICY at connection time (forwarding, probes, usage
 * pulls, provisioning, verification alike): with `public`, only the platform's own targets (registered
 * by the operator) may sit on internal addresses. Replies are read capped at DWC_RUNTIME_MAX_RESPONSE_BYTES.
 */
export const runtimeClientProvider: Provider = {
  provide: RUNTIME_CLIENT,
  inject: [CONFIG, PLATFORM],
  useFactory: (config: ControlPlaneConfig, platform: Platform) => {
    let platformHosts: { at: number; hosts: Promise<Set<string>> } | null = null;
    const hostsOfPlatformTargets = (fresh = false) => {
      if (fresh || !platformHosts || Date.now() - platformHosts.at > PLATFORM_HOSTS_TTL_MS) {
        const hosts = platform.storage.db.selectFrom('runtime_targets').select('base_url').where('organization_id', 'is', null).execute()
          .then((rows) => new Set(rows.map((row) => new URL(row.base_url).hostname.replace(/^\[|\]$/g, ''))));
        platformHosts = { at: Date.now(), hosts };
        hosts.catch(() => { platformHosts = null; });
      }
      return platformHosts.hosts;
    };
    const fetchImpl = guardedFetch({
      enforced: () => config.targetAddressPolicy === 'public',
      isInternal: isInternalAddress,
      // A platform target registered a moment ago may not be in the cached set yet: a miss reads again.
      mayReachInternal: async (hostname) => (await hostsOfPlatformTargets()).has(hostname) || (await hostsOfPlatformTargets(true)).has(hostname),
    });
    return new RuntimeClient({
      timeoutMs: config.runtimeTimeoutMs || DEFAULT_RUNTIME_TIMEOUT_MS,
      fetch: cappedFetch(fetchImpl, config.runtimeMaxResponseBytes || DEFAULT_RUNTIME_MAX_RESPONSE_BYTES),
    });
  },
};

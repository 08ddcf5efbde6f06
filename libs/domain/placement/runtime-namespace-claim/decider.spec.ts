import { specFor, testContext } from '../../shared/given-when-then';
import { deriveRuntimeNamespace, isRuntimeNamespace, MAX_RUNTIME_NAMESPACE_LENGTH } from '../runtime-namespace';
import { runtimeNamespaceClaimStream } from '../streams';
import { ClaimRuntimeNamespace, RuntimeNamespaceClaimed, runtimeNamespaceClaimDecider } from './decider';

const NOW = '2026-05-01T00:00:00.000Z';
const given = specFor(runtimeNamespaceClaimDecider);
const claim = (namespace_id = 'ns_1', organization_id = 'org_test'): ClaimRuntimeNamespace => ({
  type: 'ClaimRuntimeNamespace',
  data: { runtime_target_id: 'rt_a', runtime_namespace: 'abc-orders', namespace: 'orders', namespace_id },
  context: testContext({ organization_id, now: NOW }),
});
const claimed: RuntimeNamespaceClaimed = {
  type: 'RuntimeNamespaceClaimed',
  data: { organization_id: 'org_test', runtime_target_id: 'rt_a', runtime_namespace: 'abc-orders', namespace: 'orders', namespace_id: 'ns_1', claimed_at: NOW },
};

describe('ClaimRuntimeNamespace', () => {
  it('claims a free name once, for one namespace', () => {
    expect(runtimeNamespaceClaimStream('rt_a', 'abc-orders')).toBe('runtime_namespace-rt_a.abc-orders');
    given([]).when(claim()).then([claimed]);
    given([claimed]).when(claim()).then([]);
  });

  it('refuses a name another namespace holds, in this organization or another', () => {
    given([claimed]).when(claim('ns_2')).thenFails('conflict', /taken/);
    given([claimed]).when(claim('ns_1', 'org_other')).thenFails('conflict', /taken/);
  });
});

describe('ReleaseRuntimeNamespace', () => {
  const release = (namespace_id = 'ns_1', organization_id = 'org_test') => ({
    type: 'ReleaseRuntimeNamespace' as const,
    data: { runtime_target_id: 'rt_a', runtime_namespace: 'abc-orders', namespace_id },
    context: testContext({ organization_id, now: NOW }),
  });
  const released = {
    type: 'RuntimeNamespaceReleased' as const,
    data: { organization_id: 'org_test', runtime_target_id: 'rt_a', runtime_namespace: 'abc-orders', namespace_id: 'ns_1', released_at: NOW },
  };

  it('frees the name of a deleted namespace for the next claim, by any namespace', () => {
    given([claimed]).when(release()).then([released]);
    given([claimed, released]).when(claim('ns_2')).then([{ ...claimed, data: { ...claimed.data, namespace_id: 'ns_2' } }]);
  });

  it('changes nothing for a free name or for a namespace that does not hold it', () => {
    given([]).when(release()).then([]);
    given([claimed, released]).when(release()).then([]);
    given([claimed]).when(release('ns_2')).then([]);
    given([claimed]).when(release('ns_1', 'org_other')).then([]);
  });
});

describe('deriveRuntimeNamespace', () => {
  const org = 'org_01hzy3k4m5n6p7q8r9s0t1v2w3';

  it('is <org-short>-<namespace>, then numbered for later attempts', () => {
    expect(deriveRuntimeNamespace(org, 'orders')).toBe('q8r9s0t1v2w3-orders');
    expect(deriveRuntimeNamespace(org, 'orders', 1)).toBe('q8r9s0t1v2w3-orders-2');
  });

  it('stays a valid runtime name of at most 63 characters and keeps long names apart', () => {
    const long = 'a'.repeat(60);
    const other = `${'a'.repeat(59)}b`;
    for (const attempt of [0, 1, 12]) {
      const name = deriveRuntimeNamespace(org, long, attempt);
      expect(name.length).toBeLessThanOrEqual(MAX_RUNTIME_NAMESPACE_LENGTH);
      expect(isRuntimeNamespace(name)).toBe(true);
    }
    expect(deriveRuntimeNamespace(org, long)).not.toBe(deriveRuntimeNamespace(org, other));
  });

  it('differs between organizations for the same namespace', () => {
    expect(deriveRuntimeNamespace(org, 'orders')).not.toBe(deriveRuntimeNamespace('org_01hzy3k4m5aaaaaaaaaaaaaaaa', 'orders'));
  });
});

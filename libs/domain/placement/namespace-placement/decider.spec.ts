import { specFor, testContext } from '../../shared/given-when-then';
import { namespacePlacementStream } from '../streams';
import { AssignRuntimeTarget, MigrateNamespace, NamespacePlacementCommand, PlacementLookups, ProvisioningOutcome } from './commands';
import { namespacePlacementDecider } from './decider';
import { NamespacePlacementEvent } from './events';

const ORG = 'org_test';
const NOW = '2026-05-01T00:00:00.000Z';
const EARLIER = '2026-04-01T00:00:00.000Z';
const given = specFor(namespacePlacementDecider);
const ns = { organization_id: ORG, namespace: 'orders', namespace_id: 'ns_1' };
const lookups = (overrides: Partial<PlacementLookups> = {}, target = 'rt_a'): PlacementLookups => ({
  namespace: { name: 'orders', id: 'ns_1' }, target: { id: target, organization_id: ORG }, organization_restricted: false, ...overrides,
});
const context = testContext({ now: NOW });

const assign = (runtime_target_id = 'rt_a', overrides: Partial<AssignRuntimeTarget['data']> = {}): NamespacePlacementCommand => ({
  type: 'AssignRuntimeTarget', data: { ...lookups({}, runtime_target_id), runtime_target_id, runtime_namespace: 'test-orders', ...overrides }, context,
});
const migrate = (to = 'rt_b', overrides: Partial<MigrateNamespace['data']> = {}): NamespacePlacementCommand => ({
  type: 'MigrateNamespace', data: { ...lookups({}, to), to_runtime_target_id: to, runtime_namespace: 'test-orders', reason: 'move to eu', ...overrides }, context,
});
const provisioning = (outcome: ProvisioningOutcome, runtime_target_id = 'rt_a'): NamespacePlacementCommand => ({
  type: 'RecordProvisioning', data: { runtime_target_id, runtime_namespace: 'test-orders', outcome, attempts: 2 }, context,
});

const assigned: NamespacePlacementEvent = {
  type: 'NamespaceRuntimeTargetAssigned', data: { ...ns, runtime_target_id: 'rt_a', runtime_namespace: 'test-orders', assigned_at: EARLIER },
};
const provisioned: NamespacePlacementEvent = {
  type: 'NamespaceProvisioned', data: { ...ns, runtime_target_id: 'rt_a', runtime_namespace: 'test-orders', created: true, attempts: 1, provisioned_at: EARLIER },
};
const migrated: NamespacePlacementEvent = {
  type: 'NamespaceMigrated',
  data: {
    ...ns, from_runtime_target_id: 'rt_a', from_runtime_namespace: 'test-orders', to_runtime_target_id: 'rt_b', to_runtime_namespace: 'test-orders',
    reason: 'move to eu', in_flight_runs: 'remain_on_previous_target', migrated_at: EARLIER,
  },
};

describe('namespace placement stream', () => {
  it('is named per organization and namespace id', () => {
    expect(namespacePlacementStream('org_1', 'ns_1')).toBe('namespace_placement-org_1.ns_1');
  });
});

describe('AssignRuntimeTarget', () => {
  it('assigns a namespace that has no runtime target', () => {
    given([]).when(assign()).then([{ ...assigned, data: { ...assigned.data, assigned_at: NOW } }]);
  });

  it('assigns a platform target (owned by no organization)', () => {
    given([]).when(assign('rt_p', { target: { id: 'rt_p', organization_id: null } })).then([{
      type: 'NamespaceRuntimeTargetAssigned', data: { ...ns, runtime_target_id: 'rt_p', runtime_namespace: 'test-orders', assigned_at: NOW },
    }]);
  });

  it('is a no-op when the namespace already has that target, and a conflict for another one', () => {
    given([assigned]).when(assign()).then([]);
    given([assigned]).when(assign('rt_b')).thenFails('conflict', /migration/);
  });

  it('answers not_found for another organization\'s target, an unknown target or namespace', () => {
    given([]).when(assign('rt_x', { target: { id: 'rt_x', organization_id: 'org_other' } })).thenFails('not_found', /runtime target/);
    given([]).when(assign('rt_x', { target: null })).thenFails('not_found', /runtime target/);
    given([]).when(assign('rt_a', { namespace: null })).thenFails('not_found', /namespace/);
  });

  it('refuses a billing-restricted organization', () => {
    given([]).when(assign('rt_a', { organization_restricted: true })).thenFails('billing_restricted');
  });

  it('refuses a malformed runtime namespace', () => {
    given([]).when(assign('rt_a', { runtime_namespace: 'Orders With Spaces' })).thenFails('invalid', /runtime_namespace/);
  });
});

describe('RecordProvisioning', () => {
  it('records success once and failures with their reason', () => {
    given([assigned]).when(provisioning({ status: 'provisioned', created: false })).then([{
      type: 'NamespaceProvisioned', data: { ...ns, runtime_target_id: 'rt_a', runtime_namespace: 'test-orders', created: false, attempts: 2, provisioned_at: NOW },
    }]);
    given([assigned, provisioned]).when(provisioning({ status: 'provisioned', created: false })).then([]);
    given([assigned]).when(provisioning({ status: 'failed', reason: 'unreachable', detail: 'connection refused' })).then([{
      type: 'NamespaceProvisioningFailed',
      data: { ...ns, runtime_target_id: 'rt_a', runtime_namespace: 'test-orders', reason: 'unreachable', detail: 'connection refused', attempts: 2, failed_at: NOW },
    }]);
  });

  it('ignores a result for a target the namespace has left', () => {
    given([assigned, migrated]).when(provisioning({ status: 'provisioned', created: true }, 'rt_a')).then([]);
  });

  it('answers not_found before any assignment', () => {
    given([]).when(provisioning({ status: 'provisioned', created: true })).thenFails('not_found');
  });
});

describe('MigrateNamespace', () => {
  it('moves the namespace, noting that in-flight runs stay on the previous target', () => {
    given([assigned, provisioned]).when(migrate()).then([{ ...migrated, data: { ...migrated.data, migrated_at: NOW } }]);
  });

  it('requires a reason', () => {
    given([assigned]).when(migrate('rt_b', { reason: '   ' })).thenFails('invalid', /reason/);
  });

  it('refuses an unplaced namespace and the target it is already on', () => {
    given([]).when(migrate()).thenFails('conflict', /assign/);
    given([assigned]).when(migrate('rt_a')).thenFails('conflict', /already/);
  });

  it('answers not_found for another organization\'s target and refuses a restricted organization', () => {
    given([assigned]).when(migrate('rt_x', { target: { id: 'rt_x', organization_id: 'org_other' } })).thenFails('not_found');
    given([assigned]).when(migrate('rt_b', { organization_restricted: true })).thenFails('billing_restricted');
  });

  it('starts the new placement pending and remembers the previous target', () => {
    const state = [assigned, provisioned, migrated].reduce(namespacePlacementDecider.evolve, namespacePlacementDecider.initialState());
    expect(state).toMatchObject({
      status: 'placed', current: { runtime_target_id: 'rt_b', provisioning: { status: 'pending' } },
      previous: [{ runtime_target_id: 'rt_a', runtime_namespace: 'test-orders' }],
    });
  });
});

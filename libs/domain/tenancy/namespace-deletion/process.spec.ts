import { eventInput, processSpec, succeeded, failed } from '../../../process-manager/src/process-spec';
import { NamespaceDependents, namespaceDeletion } from './process';

const given = processSpec(namespaceDeletion);
const deleted = eventInput('NamespaceDeleted', { organization_id: 'org_test', name: 'orders', deleted_at: '2026-05-01T00:00:00.000Z' }, 'evt-9', 'namespace-org_test.orders');
const dependents: NamespaceDependents = {
  namespace_id: 'ns_1',
  credentials: [{ credential_id: 'rcr_1', runtime_target_id: 'rt_a' }],
  binding_ids: ['rb_1'],
  placements: [{ runtime_target_id: 'rt_a', runtime_namespace: 'abc-orders' }],
};
const found = succeeded('find', 'find_namespace_dependents', dependents);

describe('namespace deletion', () => {
  it('finds what the namespace left behind, in the streams of the deletion', () => {
    given([]).when(deleted).then([{ kind: 'effect', step: 'find', effect: 'find_namespace_dependents', params: { namespace: 'orders', stream_id: 'namespace-org_test.orders', event_id: 'evt-9', position: '10.1' } }]);
  });

  it('revokes credentials, unbinds, and disables each runtime namespace at once', () => {
    given([deleted]).when(found).then([
      { kind: 'effect', step: 'revoke:rcr_1', effect: 'revoke_runtime_credential', params: { credential_id: 'rcr_1', runtime_target_id: 'rt_a' } },
      { kind: 'effect', step: 'unbind:rb_1', effect: 'delete_role_binding', params: { binding_id: 'rb_1' } },
      { kind: 'effect', step: 'disable:rt_a:abc-orders', effect: 'disable_runtime_namespace', params: { runtime_target_id: 'rt_a', runtime_namespace: 'abc-orders', namespace_id: 'ns_1' } },
    ]);
  });

  it('releases a runtime namespace only after it is disabled, and completes when nothing is left', () => {
    const disabled = succeeded('disable:rt_a:abc-orders', 'disable_runtime_namespace', { runtime_target_id: 'rt_a', runtime_namespace: 'abc-orders', namespace_id: 'ns_1' });
    given([deleted, found]).when(disabled).then([
      { kind: 'effect', step: 'release:rt_a:abc-orders', effect: 'release_runtime_namespace', params: { runtime_target_id: 'rt_a', runtime_namespace: 'abc-orders', namespace_id: 'ns_1' } },
    ]);
    const revoked = succeeded('revoke:rcr_1', 'revoke_runtime_credential');
    const unbound = succeeded('unbind:rb_1', 'delete_role_binding');
    given([deleted, found, disabled, revoked]).when(unbound).then([]);
    given([deleted, found, disabled, revoked, unbound]).when(succeeded('release:rt_a:abc-orders', 'release_runtime_namespace')).then([{ kind: 'complete' }]);
  });

  it('completes at once when nothing was left behind, and fails with the step that gave up', () => {
    given([deleted]).when(succeeded('find', 'find_namespace_dependents', { namespace_id: 'ns_1', credentials: [], binding_ids: [], placements: [] })).then([{ kind: 'complete' }]);
    given([deleted, found]).when(failed('revoke:rcr_1', 'revoke_runtime_credential', 'target refused')).then([{ kind: 'fail', reason: 'revoke:rcr_1: target refused' }]);
  });
});

import { permissionDiff } from '../../../../libs/auth/src/permissions';
import { DomainEvent } from '../../../../libs/domain/shared/event';
import { applyIdentityEvents, IdentitySnapshot } from './access-snapshot';

const ORG = 'org_1';
const AT = '2026-05-01T00:00:00.000Z';
const orders = { project: 'shop', environment: 'prod', namespace: 'orders' };

const snapshot: IdentitySnapshot = {
  principals: [{ id: 'usr_owner', organization_role: 'owner' }, { id: 'usr_dev', organization_role: 'member' }, { id: 'sa_ci', organization_role: null }],
  bindings: [{ binding_id: 'rb_1', principal_id: 'sa_ci', role: 'viewer', scope: orders }],
  resources: [{ project: 'shop' }, { project: 'shop', environment: 'prod' }, orders],
};

const event = (type: string, data: Record<string, unknown>): DomainEvent => ({ type, data: { organization_id: ORG, ...data } });

describe('applyIdentityEvents', () => {
  it('adds, re-roles and removes principals', () => {
    const after = applyIdentityEvents(snapshot, [
      event('UserAdded', { user_id: 'usr_new', email: 'n@x.test', organization_role: 'finance', added_at: AT }),
      event('MemberRoleChanged', { member_id: 'usr_dev', organization_role: 'admin', previous_role: 'member', changed_at: AT }),
      event('ServiceAccountRemoved', { service_account_id: 'sa_ci', name: 'ci', removed_at: AT }),
      event('ServiceAccountCreated', { service_account_id: 'sa_new', name: 'new', created_at: AT }),
      event('MemberRemoved', { member_id: 'usr_owner', email: 'o@x.test', organization_role: 'owner', removed_at: AT }),
    ]);
    expect(after.principals).toEqual([
      { id: 'usr_dev', organization_role: 'admin' }, { id: 'usr_new', organization_role: 'finance' }, { id: 'sa_new', organization_role: null },
    ]);
    expect(after.bindings).toBe(snapshot.bindings);
    expect(after.resources).toBe(snapshot.resources);
  });

  it('creates and deletes bindings by id', () => {
    const created = applyIdentityEvents(snapshot, [event('RoleBindingCreated', {
      binding_id: 'rb_2', principal_id: 'usr_dev', principal_kind: 'user', role: 'admin', scope: orders, created_at: AT,
    })]);
    expect(created.bindings.map((b) => b.binding_id)).toEqual(['rb_1', 'rb_2']);
    const deleted = applyIdentityEvents(created, [event('RoleBindingDeleted', {
      binding_id: 'rb_1', principal_id: 'sa_ci', role: 'viewer', scope: orders, deleted_at: AT,
    })]);
    expect(deleted.bindings.map((b) => b.binding_id)).toEqual(['rb_2']);
  });

  it('ignores events that change no permission (API keys, anything else)', () => {
    const after = applyIdentityEvents(snapshot, [
      event('ApiKeyRevoked', { key_id: 'key_1', reason: null, revoked_at: AT }),
      event('ProjectCreated', { project_id: 'prj_1', name: 'other' }),
    ]);
    expect(after).toBe(snapshot);
    expect(permissionDiff(snapshot, after)).toEqual([]);
  });

  it('feeds permissionDiff: deleting a viewer binding loses its reads, navigation included', () => {
    const after = applyIdentityEvents(snapshot, [event('RoleBindingDeleted', {
      binding_id: 'rb_1', principal_id: 'sa_ci', role: 'viewer', scope: orders, deleted_at: AT,
    })]);
    expect(permissionDiff(snapshot, after)).toEqual([
      { principal_id: 'sa_ci', capability: 'project.read', resource: { project: 'shop' }, change: 'lost' },
      { principal_id: 'sa_ci', capability: 'environment.read', resource: { project: 'shop', environment: 'prod' }, change: 'lost' },
      { principal_id: 'sa_ci', capability: 'namespace.read', resource: orders, change: 'lost' },
    ]);
  });
});

import { fold } from '../../shared/decider';
import { specFor, testContext } from '../../shared/given-when-then';
import { PrincipalKind, RoleScope, RoleScopeInput } from '../roles';
import { RoleBindingsCommand } from './commands';
import { bindingsOf, roleBindingsDecider, roleBindingsStream } from './decider';
import { RoleBindingsEvent } from './events';

const ORG = 'org_test';
const NOW = '2026-05-01T00:00:00.000Z';
const EARLIER = '2026-04-01T00:00:00.000Z';
const given = specFor(roleBindingsDecider);

const create = (
  binding_id: string,
  principal_id: string,
  role: string,
  scope: RoleScopeInput,
  principal_kind: PrincipalKind | null = 'user',
): RoleBindingsCommand => ({
  type: 'CreateRoleBinding',
  data: { binding_id, principal_id, principal_kind, role, scope },
  context: testContext({ now: NOW }),
});
const remove = (binding_id: string): RoleBindingsCommand => ({ type: 'DeleteRoleBinding', data: { binding_id }, context: testContext({ now: NOW }) });

const created = (binding_id: string, principal_id: string, role: 'admin' | 'developer' | 'viewer', scope: RoleScope, at = EARLIER): RoleBindingsEvent => ({
  type: 'RoleBindingCreated',
  data: { organization_id: ORG, binding_id, principal_id, principal_kind: 'user', role, scope, created_at: at },
});
const deleted = (binding_id: string, principal_id: string, role: 'admin' | 'developer' | 'viewer', scope: RoleScope): RoleBindingsEvent => ({
  type: 'RoleBindingDeleted',
  data: { organization_id: ORG, binding_id, principal_id, role, scope, deleted_at: EARLIER },
});

const existing = [created('rb_1', 'usr_dev', 'developer', { project: 'shop', environment: 'prod' })];

describe('role bindings stream', () => {
  it('is named per organization', () => {
    expect(roleBindingsStream('org_1')).toBe('role_bindings-org_1');
  });
});

describe('CreateRoleBinding', () => {
  it.each<[string, RoleScopeInput, RoleScope]>([
    ['a project', { project: 'shop' }, { project: 'shop' }],
    ['an environment', { project: 'shop', environment: 'prod' }, { project: 'shop', environment: 'prod' }],
    ['a namespace by its full path', { project: 'shop', environment: 'prod', namespace: 'orders' }, { project: 'shop', environment: 'prod', namespace: 'orders' }],
    ['a namespace alone', { namespace: 'orders' }, { namespace: 'orders' }],
    ['a namespace within a project', { project: 'shop', namespace: 'orders' }, { project: 'shop', namespace: 'orders' }],
    ['a scope with null fields', { project: 'shop', environment: null, namespace: undefined }, { project: 'shop' }],
  ])('binds a principal at %s', (_, scope, normalized) => {
    given([]).when(create('rb_new', 'usr_dev', 'viewer', scope)).then([{
      type: 'RoleBindingCreated',
      data: { organization_id: ORG, binding_id: 'rb_new', principal_id: 'usr_dev', principal_kind: 'user', role: 'viewer', scope: normalized, created_at: NOW },
    }]);
  });

  it('records the principal kind the handler resolved', () => {
    given(existing).when(create('rb_new', 'sa_ci', 'admin', { namespace: 'orders' }, 'service_account')).then([{
      type: 'RoleBindingCreated',
      data: { organization_id: ORG, binding_id: 'rb_new', principal_id: 'sa_ci', principal_kind: 'service_account', role: 'admin', scope: { namespace: 'orders' }, created_at: NOW },
    }]);
  });

  it('answers not_found when the principal does not exist', () => {
    given(existing).when(create('rb_new', 'usr_ghost', 'viewer', { project: 'shop' }, null)).thenFails('not_found', /principal/);
  });

  it.each<[string, RoleScopeInput]>([
    ['an empty scope (organization-wide bindings do not exist)', {}],
    ['an environment without its project', { environment: 'prod' }],
    ['an environment and namespace without the project', { environment: 'prod', namespace: 'orders' }],
    ['an empty name', { project: '' }],
    ['a name with surrounding spaces', { project: ' shop' }],
    ['an over-long name', { project: 'p'.repeat(256) }],
  ])('refuses %s', (_, scope) => {
    given(existing).when(create('rb_new', 'usr_dev', 'viewer', scope)).thenFails('invalid', /scope/);
  });

  it('refuses a scope that is not an object', () => {
    given(existing).when(create('rb_new', 'usr_dev', 'viewer', null as unknown as RoleScopeInput)).thenFails('invalid', /scope/);
  });

  it.each(['owner', 'member', 'Admin', ''])('refuses the role %j', (role) => {
    given(existing).when(create('rb_new', 'usr_dev', role, { project: 'shop' })).thenFails('invalid', /role/);
  });

  it('refuses a duplicate of a current binding (same principal, role and scope)', () => {
    given(existing).when(create('rb_new', 'usr_dev', 'developer', { project: 'shop', environment: 'prod', namespace: null }))
      .thenFails('already_exists', /principal, role and scope/);
  });

  it.each<[string, string, string, RoleScopeInput]>([
    ['another role', 'usr_dev', 'viewer', { project: 'shop', environment: 'prod' }],
    ['another principal', 'usr_other', 'developer', { project: 'shop', environment: 'prod' }],
    ['a wider scope', 'usr_dev', 'developer', { project: 'shop' }],
    ['a narrower scope', 'usr_dev', 'developer', { project: 'shop', environment: 'prod', namespace: 'orders' }],
  ])('accepts a binding that differs by %s', (_, principal, role, scope) => {
    const events = roleBindingsDecider.decide(create('rb_new', principal, role, scope), fold(roleBindingsDecider, existing));
    expect(events.map((e) => e.type)).toEqual(['RoleBindingCreated']);
  });

  it('accepts the same binding again once the first was deleted', () => {
    given([...existing, deleted('rb_1', 'usr_dev', 'developer', { project: 'shop', environment: 'prod' })])
      .when(create('rb_2', 'usr_dev', 'developer', { project: 'shop', environment: 'prod' }))
      .then([created('rb_2', 'usr_dev', 'developer', { project: 'shop', environment: 'prod' }, NOW)]);
  });

  it('never reuses a binding id', () => {
    given(existing).when(create('rb_1', 'usr_x', 'viewer', { project: 'other' })).thenFails('already_exists', /role binding/);
    given([...existing, deleted('rb_1', 'usr_dev', 'developer', { project: 'shop', environment: 'prod' })])
      .when(create('rb_1', 'usr_x', 'viewer', { project: 'other' })).thenFails('already_exists');
  });

  it('refuses malformed ids', () => {
    given([]).when(create('rb 1', 'usr_dev', 'viewer', { project: 'shop' })).thenFails('invalid', /binding_id/);
    given([]).when(create('rb_1', '', 'viewer', { project: 'shop' })).thenFails('invalid', /principal_id/);
  });
});

describe('DeleteRoleBinding', () => {
  it('deletes a binding, recording what it granted', () => {
    given(existing).when(remove('rb_1')).then([{
      type: 'RoleBindingDeleted',
      data: { organization_id: ORG, binding_id: 'rb_1', principal_id: 'usr_dev', role: 'developer', scope: { project: 'shop', environment: 'prod' }, deleted_at: NOW },
    }]);
  });

  it('answers not_found for an unknown or already deleted binding', () => {
    given([]).when(remove('rb_1')).thenFails('not_found');
    given(existing).when(remove('rb_2')).thenFails('not_found');
    given([...existing, deleted('rb_1', 'usr_dev', 'developer', { project: 'shop', environment: 'prod' })]).when(remove('rb_1')).thenFails('not_found');
  });

  it('answers not_found for another organization\'s binding', () => {
    given(existing).when({ type: 'DeleteRoleBinding', data: { binding_id: 'rb_1' }, context: testContext({ organization_id: 'org_other' }) })
      .thenFails('not_found');
  });
});

describe('bindingsOf', () => {
  it('lists current bindings in creation order', () => {
    const state = fold(roleBindingsDecider, [
      ...existing,
      created('rb_2', 'usr_a', 'viewer', { namespace: 'orders' }),
      created('rb_3', 'usr_b', 'admin', { project: 'shop' }),
      deleted('rb_2', 'usr_a', 'viewer', { namespace: 'orders' }),
    ]);
    expect(bindingsOf(state).map((b) => b.binding_id)).toEqual(['rb_1', 'rb_3']);
    expect(bindingsOf(roleBindingsDecider.initialState())).toEqual([]);
  });
});

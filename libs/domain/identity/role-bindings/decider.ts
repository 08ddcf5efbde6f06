import { assertNever, Decider } from '../../shared/decider';
import { alreadyExists, invalid, notFound } from '../../shared/errors';
import { BindingRole, nowOf, PrincipalKind, requireId, requireOrganizationId, RoleScope } from '../roles';
import { CreateRoleBinding, DeleteRoleBinding, RoleBindingsCommand } from './commands';
import { RoleBindingsEvent } from './events';

/** One stream per organization holds all its role bindings. */
export const roleBindingsStream = (organizationId: string): string => `role_bindings-${organizationId}`;

export interface RoleBinding {
  readonly binding_id: string;
  readonly principal_id: string;
  readonly principal_kind: PrincipalKind;
  readonly role: BindingRole;
  readonly scope: RoleScope;
  readonly created_at: string;
}

export type RoleBindingsState =
  | { readonly status: 'empty' }
  | {
      readonly status: 'active';
      readonly organization_id: string;
      /** Current bindings in creation order. */
      readonly bindings: ReadonlyMap<string, RoleBinding>;
      /** Every binding id ever used; ids are never reused. */
      readonly used_ids: ReadonlySet<string>;
    };

/** Current bindings in creation order, in the shape `can` takes (a RoleBinding is one). */
export const bindingsOf = (state: RoleBindingsState): readonly RoleBinding[] =>
  state.status === 'empty' ? [] : [...state.bindings.values()];

const createRoleBinding = (command: CreateRoleBinding, state: RoleBindingsState): readonly RoleBindingsEvent[] => {
  const organizationId = requireOrganizationId(command.context);
  const bindingId = requireId(command.data.binding_id, 'binding_id');
  const principalId = requireId(command.data.principal_id, 'principal_id');
  const role = command.data.role;
  if (!BindingRole.is(role)) throw invalid(`role must be one of ${BindingRole.values.join(', ')}`, 'role');
  const scope = RoleScope.normalize(command.data.scope);
  const principalKind = command.data.principal_kind;
  if (principalKind === null) throw notFound('principal', 'principal_id');
  if (!PrincipalKind.is(principalKind)) throw invalid('principal_kind is not a principal kind', 'principal_kind');
  if (state.status === 'active') {
    if (state.organization_id !== organizationId) throw notFound('organization');
    if (state.used_ids.has(bindingId)) throw alreadyExists('role binding', 'binding_id');
    const duplicate = [...state.bindings.values()].some(
      (b) => b.principal_id === principalId && b.role === role && RoleScope.equals(b.scope, scope),
    );
    if (duplicate) throw alreadyExists('role binding with this principal, role and scope', 'scope');
  }
  return [{
    type: 'RoleBindingCreated',
    data: {
      organization_id: organizationId,
      binding_id: bindingId,
      principal_id: principalId,
      principal_kind: principalKind,
      role,
      scope,
      created_at: new Date(nowOf(command.context)).toISOString(),
    },
  }];
};

const deleteRoleBinding = (command: DeleteRoleBinding, state: RoleBindingsState): readonly RoleBindingsEvent[] => {
  const organizationId = requireOrganizationId(command.context);
  const bindingId = requireId(command.data.binding_id, 'binding_id');
  const binding = state.status === 'active' && state.organization_id === organizationId ? state.bindings.get(bindingId) : undefined;
  if (!binding) throw notFound('role binding', 'binding_id');
  return [{
    type: 'RoleBindingDeleted',
    data: {
      organization_id: organizationId,
      binding_id: bindingId,
      principal_id: binding.principal_id,
      role: binding.role,
      scope: binding.scope,
      deleted_at: new Date(nowOf(command.context)).toISOString(),
    },
  }];
};

export const decide = (command: RoleBindingsCommand, state: RoleBindingsState): readonly RoleBindingsEvent[] => {
  switch (command.type) {
    case 'CreateRoleBinding': return createRoleBinding(command, state);
    case 'DeleteRoleBinding': return deleteRoleBinding(command, state);
    default: return assertNever(command);
  }
};

export const evolve = (state: RoleBindingsState, event: RoleBindingsEvent): RoleBindingsState => {
  const active: Extract<RoleBindingsState, { status: 'active' }> = state.status === 'active'
    ? state
    : { status: 'active', organization_id: event.data.organization_id, bindings: new Map(), used_ids: new Set() };
  switch (event.type) {
    case 'RoleBindingCreated': {
      const { binding_id, principal_id, principal_kind, role, scope, created_at } = event.data;
      return {
        ...active,
        bindings: new Map(active.bindings).set(binding_id, { binding_id, principal_id, principal_kind, role, scope, created_at }),
        used_ids: new Set(active.used_ids).add(binding_id),
      };
    }
    case 'RoleBindingDeleted': {
      const bindings = new Map(active.bindings);
      bindings.delete(event.data.binding_id);
      return { ...active, bindings };
    }
    default:
      return assertNever(event);
  }
};

export const initialState = (): RoleBindingsState => ({ status: 'empty' });

export const roleBindingsDecider: Decider<RoleBindingsState, RoleBindingsCommand, RoleBindingsEvent> = Object.freeze({
  initialState,
  decide,
  evolve,
});

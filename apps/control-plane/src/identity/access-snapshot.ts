import { AccessSnapshot, PermissionBinding, PermissionPrincipal, Resource } from '../../../../libs/auth/src/permissions';
import { MembershipEvent, RoleBindingsEvent } from '../../../../libs/domain/identity';
import { DomainEvent } from '../../../../libs/domain/shared/event';

/** A binding in a snapshot keeps its id, so a RoleBindingDeleted can take it out again. */
export interface SnapshotBinding extends PermissionBinding {
  readonly binding_id: string;
}

/** Who may do what in one organization: its current principals, bindings and tenancy resources. */
export interface IdentitySnapshot extends AccessSnapshot {
  readonly principals: readonly PermissionPrincipal[];
  readonly bindings: readonly SnapshotBinding[];
  readonly resources: readonly Resource[];
}

const applyMembership = (snapshot: IdentitySnapshot, event: MembershipEvent): IdentitySnapshot => {
  const without = (id: string) => snapshot.principals.filter((p) => p.id !== id);
  switch (event.type) {
    case 'UserAdded':
      return { ...snapshot, principals: [...without(event.data.user_id), { id: event.data.user_id, organization_role: event.data.organization_role }] };
    case 'MemberRoleChanged':
      return {
        ...snapshot,
        principals: snapshot.principals.map((p) => (p.id === event.data.member_id ? { ...p, organization_role: event.data.organization_role } : p)),
      };
    case 'MemberRemoved':
      return { ...snapshot, principals: without(event.data.member_id) };
    case 'ServiceAccountCreated':
      return { ...snapshot, principals: [...without(event.data.service_account_id), { id: event.data.service_account_id, organization_role: null }] };
    case 'ServiceAccountRemoved':
      return { ...snapshot, principals: without(event.data.service_account_id) };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
};

const applyRoleBindings = (snapshot: IdentitySnapshot, event: RoleBindingsEvent): IdentitySnapshot => {
  const without = (id: string) => snapshot.bindings.filter((b) => b.binding_id !== id);
  switch (event.type) {
    case 'RoleBindingCreated': {
      const { binding_id, principal_id, role, scope } = event.data;
      return { ...snapshot, bindings: [...without(binding_id), { binding_id, principal_id, role, scope }] };
    }
    case 'RoleBindingDeleted':
      return { ...snapshot, bindings: without(event.data.binding_id) };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
};

/**
 * The snapshot as it would be after the given events (the ones a command decided). Membership and
 * role-binding events change who may do what; every other event (API keys, tenancy) leaves it as is.
 */
export const applyIdentityEvents = (snapshot: IdentitySnapshot, events: readonly DomainEvent[]): IdentitySnapshot =>
  events.reduce<IdentitySnapshot>((current, event) => {
    if (MembershipEvent.is(event)) return applyMembership(current, event);
    if (RoleBindingsEvent.is(event)) return applyRoleBindings(current, event);
    return current;
  }, snapshot);

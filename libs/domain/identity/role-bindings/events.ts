import { DomainEvent } from '../../shared/event';
import { BindingRole, PrincipalKind, RoleScope } from '../roles';

export type RoleBindingCreated = DomainEvent<'RoleBindingCreated', {
  readonly organization_id: string;
  readonly binding_id: string;
  readonly principal_id: string;
  readonly principal_kind: PrincipalKind;
  readonly role: BindingRole;
  /** Normalized: only set fields, in path order. */
  readonly scope: RoleScope;
  readonly created_at: string;
}>;

/** Carries the whole binding, so access-review projections need no lookup. */
export type RoleBindingDeleted = DomainEvent<'RoleBindingDeleted', {
  readonly organization_id: string;
  readonly binding_id: string;
  readonly principal_id: string;
  readonly role: BindingRole;
  readonly scope: RoleScope;
  readonly deleted_at: string;
}>;

export type RoleBindingsEvent = RoleBindingCreated | RoleBindingDeleted;

export const RoleBindingsEvent = Object.freeze({
  types: Object.freeze(['RoleBindingCreated', 'RoleBindingDeleted'] as const),
  is: (event: DomainEvent): event is RoleBindingsEvent => (RoleBindingsEvent.types as readonly string[]).includes(event.type),
});

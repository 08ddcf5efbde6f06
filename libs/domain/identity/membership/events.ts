import { DomainEvent } from '../../shared/event';
import { OrganizationRole } from '../roles';

/** Event type strings are the storage contract: never rename, only supersede. */

export type UserAdded = DomainEvent<'UserAdded', {
  readonly organization_id: string;
  readonly user_id: string;
  /** Normalized: trimmed, lower-case. */
  readonly email: string;
  readonly organization_role: OrganizationRole;
  readonly added_at: string;
}>;

export type MemberRoleChanged = DomainEvent<'MemberRoleChanged', {
  readonly organization_id: string;
  readonly member_id: string;
  readonly organization_role: OrganizationRole;
  readonly previous_role: OrganizationRole;
  readonly changed_at: string;
}>;

export type MemberRemoved = DomainEvent<'MemberRemoved', {
  readonly organization_id: string;
  readonly member_id: string;
  readonly email: string;
  /** The role the member held when removed. */
  readonly organization_role: OrganizationRole;
  readonly removed_at: string;
}>;

export type ServiceAccountCreated = DomainEvent<'ServiceAccountCreated', {
  readonly organization_id: string;
  readonly service_account_id: string;
  readonly name: string;
  readonly created_at: string;
}>;

export type ServiceAccountRemoved = DomainEvent<'ServiceAccountRemoved', {
  readonly organization_id: string;
  readonly service_account_id: string;
  readonly name: string;
  readonly removed_at: string;
}>;

export type MembershipEvent = UserAdded | MemberRoleChanged | MemberRemoved | ServiceAccountCreated | ServiceAccountRemoved;

export const MembershipEvent = Object.freeze({
  types: Object.freeze(['UserAdded', 'MemberRoleChanged', 'MemberRemoved', 'ServiceAccountCreated', 'ServiceAccountRemoved'] as const),
  is: (event: DomainEvent): event is MembershipEvent => (MembershipEvent.types as readonly string[]).includes(event.type),
});

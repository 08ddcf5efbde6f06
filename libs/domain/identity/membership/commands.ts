import { DomainCommand } from '../../shared/event';

/** Adds a user to the organization. Only an owner (or the platform operator) may add an owner. */
export type AddUser = DomainCommand<'AddUser', {
  readonly user_id: string;
  /** Normalized by the decider (trimmed, lower-cased); unique within the organization. */
  readonly email: string;
  /** `owner` | `admin` | `finance` | `member`; typed loosely because it arrives from a request. */
  readonly organization_role: string;
}>;

export type ChangeMemberRole = DomainCommand<'ChangeMemberRole', {
  readonly member_id: string;
  readonly organization_role: string;
}>;

export type RemoveMember = DomainCommand<'RemoveMember', {
  readonly member_id: string;
}>;

/** Service accounts hold no organization role: their rights come from role bindings only. */
export type AddServiceAccount = DomainCommand<'AddServiceAccount', {
  readonly service_account_id: string;
  /** DNS label: 1–63 of [a-z0-9-], not starting or ending with '-'; unique within the organization. */
  readonly name: string;
}>;

export type RemoveServiceAccount = DomainCommand<'RemoveServiceAccount', {
  readonly service_account_id: string;
}>;

export type MembershipCommand = AddUser | ChangeMemberRole | RemoveMember | AddServiceAccount | RemoveServiceAccount;

import { DomainCommand } from '../../shared/event';
import { PrincipalKind, RoleScopeInput } from '../roles';

export type CreateRoleBinding = DomainCommand<'CreateRoleBinding', {
  readonly binding_id: string;
  readonly principal_id: string;
  /**
   * The principal's existence, resolved by the handler from the organization's membership stream
   * (`principalOf(membershipState, principal_id)?.kind ?? null`); null means there is no such
   * principal and the decider answers not_found. The decider never reads another stream.
   */
  readonly principal_kind: PrincipalKind | null;
  /** `admin` | `developer` | `viewer`; typed loosely because it arrives from a request. */
  readonly role: string;
  readonly scope: RoleScopeInput;
}>;

export type DeleteRoleBinding = DomainCommand<'DeleteRoleBinding', {
  readonly binding_id: string;
}>;

export type RoleBindingsCommand = CreateRoleBinding | DeleteRoleBinding;

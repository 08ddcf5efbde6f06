import { Selectable } from 'kysely';
import { PermissionBinding } from '../../../../libs/auth/src/permissions';
import { RoleScope } from '../../../../libs/domain/identity';
import { RoleBindingsTable } from '../../../../projections/role-bindings/role-bindings.projector';

/** A role binding as the role_bindings read model holds it (unset scope fields are null). */
export type StoredBinding = Pick<Selectable<RoleBindingsTable>, 'role' | 'project' | 'environment' | 'namespace'>;

/** The scope with only its set fields, in path order. */
export const scopeOf = (row: Pick<StoredBinding, 'project' | 'environment' | 'namespace'>): RoleScope => ({
  ...(row.project !== null ? { project: row.project } : {}),
  ...(row.environment !== null ? { environment: row.environment } : {}),
  ...(row.namespace !== null ? { namespace: row.namespace } : {}),
});

export const toPermissionBinding = (principalId: string, row: StoredBinding): PermissionBinding => ({
  principal_id: principalId,
  role: row.role as PermissionBinding['role'],
  scope: scopeOf(row),
});

import { PermissionBinding } from '../../../../libs/auth/src/permissions';
import { RoleScope } from '../../../../libs/domain/identity';

/** A role binding as the role_bindings read model holds it (unset scope fields are null). */
export interface StoredBinding {
  readonly role: string;
  readonly project: string | null;
  readonly environment: string | null;
  readonly namespace: string | null;
}

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

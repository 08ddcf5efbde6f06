import { PermissionBinding } from '../../../../libs/auth/src/permissions';

/** A role binding as the role_bindings read model holds it (unset scope fields are null). */
export interface StoredBinding {
  readonly role: string;
  readonly project: string | null;
  readonly environment: string | null;
  readonly namespace: string | null;
}

export const toPermissionBinding = (principalId: string, row: StoredBinding): PermissionBinding => ({
  principal_id: principalId,
  role: row.role as PermissionBinding['role'],
  scope: {
    ...(row.project !== null ? { project: row.project } : {}),
    ...(row.environment !== null ? { environment: row.environment } : {}),
    ...(row.namespace !== null ? { namespace: row.namespace } : {}),
  },
});

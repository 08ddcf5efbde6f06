import { RoleScope } from '../../../../libs/domain/identity';

/** JSON shapes of identity resources. No hash, secret or token ever appears in one. */

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

export interface MemberRow {
  organization_id: string;
  principal_id: string;
  kind: 'user' | 'service_account';
  email: string | null;
  name: string | null;
  organization_role: string | null;
  state: 'active' | 'removed';
  created_at: Date | string;
  updated_at: Date | string;
}

export const memberRepresentation = (row: MemberRow) => ({
  id: row.principal_id, email: row.email, organization_role: row.organization_role, state: row.state,
  created_at: iso(row.created_at), updated_at: iso(row.updated_at),
});

export const serviceAccountRepresentation = (row: MemberRow) => ({
  id: row.principal_id, name: row.name, state: row.state, created_at: iso(row.created_at),
});

export interface RoleBindingRow {
  id: string;
  organization_id: string;
  principal_id: string;
  principal_kind: string;
  role: string;
  project: string | null;
  environment: string | null;
  namespace: string | null;
  created_at: Date | string;
}

/** The scope with only its set fields, in path order. */
export const scopeOf = (row: Pick<RoleBindingRow, 'project' | 'environment' | 'namespace'>): RoleScope => ({
  ...(row.project !== null ? { project: row.project } : {}),
  ...(row.environment !== null ? { environment: row.environment } : {}),
  ...(row.namespace !== null ? { namespace: row.namespace } : {}),
});

export const roleBindingRepresentation = (row: RoleBindingRow) => ({
  id: row.id, principal_id: row.principal_id, principal_kind: row.principal_kind, role: row.role, scope: scopeOf(row), created_at: iso(row.created_at),
});

export interface ApiKeyRow {
  id: string;
  organization_id: string;
  principal_id: string;
  principal_kind: string;
  name: string;
  token_prefix: string;
  state: 'active' | 'disabled' | 'revoked';
  expires_at: Date | string | null;
  created_at: Date | string;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
}

export const apiKeyRepresentation = (row: ApiKeyRow, now = new Date()) => ({
  id: row.id, name: row.name, principal_id: row.principal_id, principal_kind: row.principal_kind, token_prefix: row.token_prefix,
  state: row.state, expired: row.expires_at !== null && new Date(row.expires_at) <= now,
  expires_at: isoOrNull(row.expires_at), created_at: iso(row.created_at), revoked_at: isoOrNull(row.revoked_at),
  last_used_at: isoOrNull(row.last_used_at),
});

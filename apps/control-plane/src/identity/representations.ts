import { Selectable } from 'kysely';
import { ApiKeysTable } from '../../../../projections/api-keys/api-keys.projector';
import { MembersTable } from '../../../../projections/members/members.projector';
import { RoleBindingsTable } from '../../../../projections/role-bindings/role-bindings.projector';
import { scopeOf } from '../auth/stored-binding';

/** JSON shapes of identity resources. No hash, secret or token ever appears in one. */

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

export type MemberRow = Selectable<MembersTable>;

export const memberRepresentation = (row: MemberRow) => ({
  id: row.principal_id, email: row.email, organization_role: row.organization_role, state: row.state,
  created_at: iso(row.created_at), updated_at: iso(row.updated_at),
});

export const serviceAccountRepresentation = (row: MemberRow) => ({
  id: row.principal_id, name: row.name, state: row.state, created_at: iso(row.created_at),
});

export type RoleBindingRow = Selectable<RoleBindingsTable>;

export const roleBindingRepresentation = (row: RoleBindingRow) => ({
  id: row.id, principal_id: row.principal_id, principal_kind: row.principal_kind, role: row.role, scope: scopeOf(row), created_at: iso(row.created_at),
});

/** A key as listed: its read-model row with the last use (kept apart to avoid a write per request). */
export type ApiKeyRow = Selectable<ApiKeysTable> & { last_used_at: Date | null };

export const apiKeyRepresentation = (row: ApiKeyRow, now = new Date()) => ({
  id: row.id, name: row.name, principal_id: row.principal_id, principal_kind: row.principal_kind, token_prefix: row.token_prefix,
  state: row.state, expired: row.expires_at !== null && new Date(row.expires_at) <= now,
  expires_at: isoOrNull(row.expires_at), created_at: iso(row.created_at), revoked_at: isoOrNull(row.revoked_at),
  last_used_at: isoOrNull(row.last_used_at),
});

import { Inject, Injectable } from '@nestjs/common';
import { constantTimeEqualHex, hashSecret, parseApiKeyToken } from '../../../../libs/auth/src/api-key-token';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { LastUsedRecorder } from './last-used-recorder';
import { StoredBinding, toPermissionBinding } from './stored-binding';
import { PermissionBinding } from '../../../../libs/auth/src/permissions';
import { sql } from 'kysely';
import { OrganizationPrincipal, OrganizationRole } from './principal';

export type AuthenticationFailure =
  | 'malformed' | 'unknown_key' | 'invalid_secret' | 'revoked' | 'disabled' | 'expired' | 'rotated' | 'principal_removed';

export type Authentication =
  | { readonly ok: true; readonly principal: OrganizationPrincipal; readonly bindings: readonly PermissionBinding[] }
  | { readonly ok: false; readonly reason: AuthenticationFailure; readonly organization_id: string | null; readonly key_prefix: string | null; readonly principal_id: string | null };

/** A `dwc_` bearer token → the principal it belongs to, or why not. The secret is only ever hashed. */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly lastUsed: LastUsedRecorder,
  ) {}

  async authenticate(token: string, now = new Date()): Promise<Authentication> {
    const parsed = parseApiKeyToken(token);
    if (!parsed) return { ok: false, reason: 'malformed', organization_id: null, key_prefix: null, principal_id: null };
    const row = await this.platform.storage.db
      .selectFrom('api_key_credentials as c')
      .innerJoin('api_keys as k', 'k.id', 'c.key_id')
      .leftJoin('members as m', (join) => join.onRef('m.organization_id', '=', 'k.organization_id').onRef('m.principal_id', '=', 'k.principal_id'))
      .select(['c.secret_hash', 'c.valid_until', 'k.id', 'k.state', 'k.expires_at', 'k.organization_id', 'k.principal_id', 'k.principal_kind',
        'm.state as member_state', 'm.organization_role', 'm.email', 'm.name',
        // The principal's bindings ride along: nearly every request needs them, and this saves a round trip.
        sql<StoredBinding[]>`(select coalesce(json_agg(json_build_object('role', b.role, 'project', b.project,
          'environment', b.environment, 'namespace', b.namespace) order by b.id), '[]'::json)
          from role_bindings b where b.organization_id = k.organization_id and b.principal_id = k.principal_id)`.as('bindings')])
      .where('c.token_prefix', '=', parsed.prefix)
      .executeTakeFirst();
    const failure = (reason: AuthenticationFailure): Authentication => ({
      ok: false, reason, organization_id: row?.organization_id ?? null, key_prefix: parsed.prefix, principal_id: row?.principal_id ?? null,
    });
    if (!row) return failure('unknown_key');
    if (!constantTimeEqualHex(hashSecret(token), row.secret_hash)) return failure('invalid_secret');
    if (row.state === 'revoked') return failure('revoked');
    if (row.state === 'disabled') return failure('disabled');
    if (row.expires_at && new Date(row.expires_at) <= now) return failure('expired');
    if (row.valid_until && new Date(row.valid_until) <= now) return failure('rotated');
    if (row.member_state !== 'active') return failure('principal_removed');
    this.lastUsed.used(row.id, now);
    return {
      ok: true,
      principal: {
        kind: row.principal_kind === 'service_account' ? 'service_account' : 'user',
        id: row.principal_id,
        organization_id: row.organization_id,
        key_id: row.id,
        organization_role: (row.organization_role as OrganizationRole | null) ?? null,
        display: row.email ?? row.name ?? row.principal_id,
      },
      bindings: row.bindings.map((binding) => toPermissionBinding(row.principal_id, binding)),
    };
  }
}

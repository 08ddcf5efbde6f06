import { Inject, Injectable } from '@nestjs/common';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { ApiKeyRow, MemberRow, RoleBindingRow } from './representations';

/** Reads of the identity read models; every query is filtered by the caller's organization. */
@Injectable()
export class IdentityQueries {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  private get db() {
    return this.platform.storage.db;
  }

  organization(organizationId: string): Promise<{ id: string; name: string } | undefined> {
    return this.db.selectFrom('organizations').select(['id', 'name']).where('id', '=', organizationId).executeTakeFirst();
  }

  /** A current principal (user or service account) of the organization. */
  principal(organizationId: string, principalId: string): Promise<MemberRow | undefined> {
    return this.db.selectFrom('members').selectAll().where('organization_id', '=', organizationId)
      .where('principal_id', '=', principalId).where('state', '=', 'active').executeTakeFirst();
  }

  /** Current principals of one kind, in id order (ids sort by creation time). */
  principals(organizationId: string, kind: 'user' | 'service_account', after: string | undefined, limit: number): Promise<MemberRow[]> {
    let query = this.db.selectFrom('members').selectAll().where('organization_id', '=', organizationId)
      .where('kind', '=', kind).where('state', '=', 'active');
    if (after !== undefined) query = query.where('principal_id', '>', after);
    return query.orderBy('principal_id').limit(limit).execute();
  }

  binding(organizationId: string, bindingId: string): Promise<RoleBindingRow | undefined> {
    return this.db.selectFrom('role_bindings').selectAll().where('organization_id', '=', organizationId).where('id', '=', bindingId).executeTakeFirst();
  }

  bindings(organizationId: string, principalId: string | undefined, after: string | undefined, limit: number): Promise<RoleBindingRow[]> {
    let query = this.db.selectFrom('role_bindings').selectAll().where('organization_id', '=', organizationId);
    if (principalId !== undefined) query = query.where('principal_id', '=', principalId);
    if (after !== undefined) query = query.where('id', '>', after);
    return query.orderBy('id').limit(limit).execute();
  }

  apiKey(organizationId: string, keyId: string): Promise<ApiKeyRow | undefined> {
    return this.apiKeysQuery(organizationId).where('k.id', '=', keyId).executeTakeFirst();
  }

  apiKeys(organizationId: string, principalId: string | undefined, after: string | undefined, limit: number): Promise<ApiKeyRow[]> {
    let query = this.apiKeysQuery(organizationId);
    if (principalId !== undefined) query = query.where('k.principal_id', '=', principalId);
    if (after !== undefined) query = query.where('k.id', '>', after);
    return query.orderBy('k.id').limit(limit).execute();
  }

  /** Keys with their last use (kept outside the event log by LastUsedRecorder); never a hash or a secret. */
  private apiKeysQuery(organizationId: string) {
    return this.db.selectFrom('api_keys as k')
      .leftJoin('api_key_usage as u', 'u.key_id', 'k.id')
      .select(['k.id', 'k.organization_id', 'k.principal_id', 'k.principal_kind', 'k.name', 'k.token_prefix', 'k.state',
        'k.expires_at', 'k.created_at', 'k.revoked_at', 'u.last_used_at'])
      .where('k.organization_id', '=', organizationId);
  }
}

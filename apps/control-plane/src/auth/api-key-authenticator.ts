import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { sql } from 'kysely';
import { constantTimeEqualHex, hashSecret, parseApiKeyToken } from '../../../../libs/auth/src/api-key-token';
import { PermissionBinding } from '../../../../libs/auth/src/permissions';
import { apiKeysProjector } from '../../../../projections/api-keys/api-keys.projector';
import { membersProjector } from '../../../../projections/members/members.projector';
import { roleBindingsProjector } from '../../../../projections/role-bindings/role-bindings.projector';
import { ControlPlaneConfig } from '../config/config';
import { Platform } from '../platform/platform';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { LastUsedRecorder } from './last-used-recorder';
import { OrganizationPrincipal, OrganizationRole } from './principal';
import { StoredBinding, toPermissionBinding } from './stored-binding';

export type AuthenticationFailure =
  | 'malformed' | 'unknown_key' | 'invalid_secret' | 'revoked' | 'disabled' | 'expired' | 'rotated' | 'principal_removed';

export type Authentication =
  | { readonly ok: true; readonly principal: OrganizationPrincipal; readonly bindings: readonly PermissionBinding[] }
  | { readonly ok: false; readonly reason: AuthenticationFailure; readonly organization_id: string | null; readonly key_prefix: string | null; readonly principal_id: string | null };

/** Failures a lagging read model can cause: the key's or the member's row is not there yet. */
const NOT_YET_PROJECTED: ReadonlySet<AuthenticationFailure> = new Set(['unknown_key', 'principal_removed']);

/** The read models a credential is read from: while their checkpoints stand still, its rows cannot have changed. */
const IDENTITY_PROJECTORS = [apiKeysProjector.name, membersProjector.name, roleBindingsProjector.name] as const;
/** Most credentials remembered per process, and the longest one is reused without a full lookup. */
const CACHE_MAX = 10_000;
const CACHE_TTL_MS = 60_000;

/**
 * What the full lookup found, kept for the next requests with the same key. `revocations` and
 * `checkpoints` are what it read in the same statement; the entry is reused only while a fresh read
 * of both gives exactly the same (see `stillValid`).
 */
interface CachedCredential {
  readonly secretHash: string;
  readonly validUntil: Date | null;
  readonly expiresAt: Date | null;
  readonly keyId: string;
  readonly organizationId: string;
  readonly principalId: string;
  readonly principal: OrganizationPrincipal;
  readonly bindings: readonly PermissionBinding[];
  readonly bindingIds: readonly string[];
  readonly revocations: string;
  readonly checkpoints: string;
}

type StoredBindingWithId = StoredBinding & { readonly id: string };

/** Revocation rows as `kind:subject=state`, sorted: one comparable string (an absent row adds nothing). */
const revocationFingerprint = (rows: readonly string[]) => [...rows].sort().join('\n');

/** The identity projectors' checkpoints as one comparable string, read in whichever statement embeds it. */
const checkpointsSql = sql<string[]>`array(select p.name || '@' || p.commit_position || '.' || p.prepare_position
  from projection_checkpoints p where p.name in (${sql.join(IDENTITY_PROJECTORS)}) order by p.name)`;

/**
 * A `dwc_` bearer token → the principal it belongs to, or why not. The secret is only ever hashed.
 *
 * A successful lookup is remembered in process, so the next request with the same key does not run
 * the full join again; instead one small statement re-reads what could have changed since:
 * - the key's, the principal's and its bindings' rows in `access_revocations`, which a trigger writes
 *   in the revoking command's own transaction — so a revocation acknowledged by any replica is
 *   refused by the very next request on every replica, cached or not;
 * - the checkpoints of the projectors the credential was read from (api_keys, members,
 *   role_bindings), which move in the same transaction as their rows — so a grant, a rotation or a
 *   renamed member counts as soon as it is projected, as it did without the cache.
 * Anything different, and the full lookup runs again. Expiry and the rotation grace are compared
 * with the request's clock every time. Failures are never remembered.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly cache = new LRUCache<string, CachedCredential>({ max: CACHE_MAX, ttl: CACHE_TTL_MS });

  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly lastUsed: LastUsedRecorder,
    @Inject(CONFIG) private readonly config: Pick<ControlPlaneConfig, 'consistencyWaitMs'>,
  ) {}

  async authenticate(token: string, now = new Date()): Promise<Authentication> {
    const parsed = parseApiKeyToken(token);
    if (!parsed) return { ok: false, reason: 'malformed', organization_id: null, key_prefix: null, principal_id: null };
    const cached = this.cache.get(parsed.prefix);
    if (cached && constantTimeEqualHex(hashSecret(token), cached.secretHash) && await this.stillValid(cached)) {
      return this.accept(cached, parsed.prefix, now);
    }
    this.cache.delete(parsed.prefix);
    const looked = await this.lookUp(token, parsed.prefix, now);
    if (looked.ok || !NOT_YET_PROJECTED.has(looked.reason) || !(await this.caughtUpAfterLag())) return looked;
    return this.lookUp(token, parsed.prefix, now);
  }

  /**
   * A key handed out a moment ago (an organization's first key, say) is unknown until its projector has
   * run. When the read models are behind the log, wait for them (bounded, as a read-your-writes query
   * does) so a just-issued key works on its first request; true if they were behind and have caught up.
   */
  private async caughtUpAfterLag(): Promise<boolean> {
    const head = await this.platform.store.lastCommittedPosition();
    if (await this.platform.runner.waitFor(head, 0)) return false;
    return this.platform.runner.waitFor(head, this.config.consistencyWaitMs);
  }

  /** Checks a remembered credential against the current revocations and identity checkpoints, in one statement. */
  private async stillValid(entry: CachedCredential): Promise<boolean> {
    const bindings = entry.bindingIds.length > 0
      ? sql`or (kind = 'binding' and subject_id in (${sql.join(entry.bindingIds)}))` : sql``;
    // One statement, two small index reads: the same snapshot for both, and no join to plan.
    const { rows: [now] } = await sql<{ revocations: string[]; checkpoints: string[] }>`
      select array(select kind || ':' || subject_id || '=' || state from access_revocations
          where organization_id = ${entry.organizationId}
            and ((kind = 'api_key' and subject_id = ${entry.keyId}) or (kind in ('principal', 'role') and subject_id = ${entry.principalId}) ${bindings})
        ) as revocations,
        ${checkpointsSql} as checkpoints`.execute(this.platform.storage.db);
    return revocationFingerprint(now.revocations) === entry.revocations && now.checkpoints.join(',') === entry.checkpoints;
  }

  private async lookUp(token: string, prefix: string, now: Date): Promise<Authentication> {
    const row = await this.platform.storage.db
      .selectFrom('api_key_credentials as c')
      .innerJoin('api_keys as k', 'k.id', 'c.key_id')
      .leftJoin('members as m', (join) => join.onRef('m.organization_id', '=', 'k.organization_id').onRef('m.principal_id', '=', 'k.principal_id'))
      // Revocations committed with their command, ahead of any projector (see access-revocations.ts).
      .leftJoin('access_revocations as rk', (join) => join.onRef('rk.organization_id', '=', 'k.organization_id')
        .on('rk.kind', '=', 'api_key').onRef('rk.subject_id', '=', 'k.id'))
      .leftJoin('access_revocations as rp', (join) => join.onRef('rp.organization_id', '=', 'k.organization_id')
        .on('rp.kind', '=', 'principal').onRef('rp.subject_id', '=', 'k.principal_id'))
      .leftJoin('access_revocations as rr', (join) => join.onRef('rr.organization_id', '=', 'k.organization_id')
        .on('rr.kind', '=', 'role').onRef('rr.subject_id', '=', 'k.principal_id'))
      .select(['rk.state as key_revocation', 'rp.state as principal_revocation', 'rr.state as current_role'])
      .select(['c.secret_hash', 'c.valid_until', 'k.id', 'k.state', 'k.expires_at', 'k.organization_id', 'k.principal_id', 'k.principal_kind',
        'm.state as member_state', 'm.organization_role', 'm.email', 'm.name',
        // The principal's bindings ride along: nearly every request needs them, and this saves a round trip.
        sql<StoredBindingWithId[]>`(select coalesce(json_agg(json_build_object('id', b.id, 'role', b.role, 'project', b.project,
          'environment', b.environment, 'namespace', b.namespace) order by b.id), '[]'::json)
          from role_bindings b where b.organization_id = k.organization_id and b.principal_id = k.principal_id
            and not exists (select 1 from access_revocations r where r.organization_id = b.organization_id and r.kind = 'binding'
              and r.subject_id = b.id))`.as('bindings'),
        // Read in the same snapshot as the rows, so the cached entry is exactly as fresh as they are.
        checkpointsSql.as('checkpoints')])
      .where('c.token_prefix', '=', prefix)
      .executeTakeFirst();
    const failure = (reason: AuthenticationFailure): Authentication => ({
      ok: false, reason, organization_id: row?.organization_id ?? null, key_prefix: prefix, principal_id: row?.principal_id ?? null,
    });
    if (!row) return failure('unknown_key');
    if (!constantTimeEqualHex(hashSecret(token), row.secret_hash)) return failure('invalid_secret');
    if (row.state === 'revoked' || row.key_revocation === 'revoked') return failure('revoked');
    if (row.state === 'disabled' || row.key_revocation === 'disabled') return failure('disabled');
    if (row.expires_at && new Date(row.expires_at) <= now) return failure('expired');
    if (row.valid_until && new Date(row.valid_until) <= now) return failure('rotated');
    if (row.member_state !== 'active' || row.principal_revocation === 'removed') return failure('principal_removed');
    const entry: CachedCredential = {
      secretHash: row.secret_hash,
      validUntil: row.valid_until ? new Date(row.valid_until) : null,
      expiresAt: row.expires_at ? new Date(row.expires_at) : null,
      keyId: row.id,
      organizationId: row.organization_id,
      principalId: row.principal_id,
      principal: {
        kind: row.principal_kind === 'service_account' ? 'service_account' : 'user',
        id: row.principal_id,
        organization_id: row.organization_id,
        key_id: row.id,
        organization_role: ((row.current_role ?? row.organization_role) as OrganizationRole | null) ?? null,
        display: row.email ?? row.name ?? row.principal_id,
      },
      bindings: row.bindings.map((binding) => toPermissionBinding(row.principal_id, binding)),
      bindingIds: row.bindings.map((binding) => binding.id),
      // No binding in `bindings` is revoked: the subquery left those out.
      revocations: revocationFingerprint([
        ...(row.key_revocation !== null ? [`api_key:${row.id}=${row.key_revocation}`] : []),
        ...(row.principal_revocation !== null ? [`principal:${row.principal_id}=${row.principal_revocation}`] : []),
        ...(row.current_role !== null ? [`role:${row.principal_id}=${row.current_role}`] : []),
      ]),
      checkpoints: row.checkpoints.join(','),
    };
    // Expiry and the rotation grace depend on the clock alone: a remembered entry is checked against it per request.
    this.cache.set(prefix, entry);
    return this.accept(entry, prefix, now);
  }

  private accept(entry: CachedCredential, prefix: string, now: Date): Authentication {
    const failure = (reason: AuthenticationFailure): Authentication => ({
      ok: false, reason, organization_id: entry.organizationId, key_prefix: prefix, principal_id: entry.principalId,
    });
    if (entry.expiresAt && entry.expiresAt <= now) return failure('expired');
    if (entry.validUntil && entry.validUntil <= now) return failure('rotated');
    this.lastUsed.used(entry.keyId, now);
    return { ok: true, principal: entry.principal, bindings: entry.bindings };
  }
}

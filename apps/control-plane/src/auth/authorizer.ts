import { Inject, Injectable } from '@nestjs/common';
import { can, Capability, mayActOnPrincipal, PermissionBinding, PermissionResource } from '../../../../libs/auth/src/permissions';
import {
  BindingRole, bindingsOf as bindingsInState, membershipDecider, membershipStream, OrganizationRole, principalOf, roleBindingsDecider,
  roleBindingsStream, RoleScopeInput,
} from '../../../../libs/domain/identity';
import { loadState } from '../../../../libs/event-store/src';
import { ProblemException } from '../http/problem';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { AccessDenials } from './access-denials';
import { toPermissionBinding } from './stored-binding';
import { AuthenticatedRequest, OrganizationPrincipal } from './principal';

const BINDINGS_CACHE = Symbol('bindings');

/** The guard hands over the bindings it read with the key, so a request reads them once. */
export const rememberBindings = (request: AuthenticatedRequest, bindings: readonly PermissionBinding[]) => {
  (request as unknown as Record<symbol, readonly PermissionBinding[]>)[BINDINGS_CACHE] = bindings;
};
const bindingsRemembered = (request: AuthenticatedRequest) =>
  (request as unknown as Record<symbol, readonly PermissionBinding[] | undefined>)[BINDINGS_CACHE];

/** Which capability lets a principal see a resource at all: without it, the resource is "not found". */
const visibilityOf = (resource: PermissionResource): Capability =>
  resource.namespace !== undefined ? 'namespace.read' : resource.environment !== undefined ? 'environment.read'
    : resource.project !== undefined ? 'project.read' : 'organization.read';

/**
 * Applies the one permission function to a request. A principal that may not even see the resource
 * gets 404 (existence is not disclosed); one that sees it but may not act gets 403. Both are audited.
 */
@Injectable()
export class Authorizer {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly denials: AccessDenials,
  ) {}

  async bindingsOf(request: AuthenticatedRequest, principal: OrganizationPrincipal): Promise<readonly PermissionBinding[]> {
    const cached = bindingsRemembered(request);
    if (cached) return cached;
    const rows = await this.platform.storage.db.selectFrom('role_bindings').select(['role', 'project', 'environment', 'namespace'])
      .where('organization_id', '=', principal.organization_id).where('principal_id', '=', principal.id)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('access_revocations as r').select('r.subject_id')
        .whereRef('r.organization_id', '=', 'role_bindings.organization_id').where('r.kind', '=', 'binding').whereRef('r.subject_id', '=', 'role_bindings.id'))))
      .orderBy('id').execute();
    const bindings = rows.map((row) => toPermissionBinding(principal.id, row));
    rememberBindings(request, bindings);
    return bindings;
  }

  can(principal: OrganizationPrincipal, bindings: readonly PermissionBinding[], capability: Capability, resource: PermissionResource): boolean {
    return can({ id: principal.id, organization_role: principal.organization_role }, bindings, capability, resource);
  }

  /**
   * Refuses (audited 403) an action on another principal — its keys, its role, its bindings, its
   * removal — when the target holds, before or after the change, anything the caller lacks
   * (`mayActOnPrincipal`). Both sides are read from the event streams, not the read models, so a
   * lagging projection can never make a target look weaker than it is. A target that is no current
   * principal passes here and is answered 404 by the command itself.
   */
  async requireMayActOn(request: AuthenticatedRequest, principal: OrganizationPrincipal, targetOrBinding: string | { readonly binding_id: string },
    change: { readonly organization_role?: string; readonly binding?: { readonly role: BindingRole; readonly scope: RoleScopeInput } } = {},
  ): Promise<void> {
    const organizationId = principal.organization_id;
    const [membership, bindingsState] = await Promise.all([
      loadState(this.platform.store, membershipDecider, membershipStream(organizationId)),
      loadState(this.platform.store, roleBindingsDecider, roleBindingsStream(organizationId)),
    ]);
    const all = bindingsInState(bindingsState.state);
    const targetId = typeof targetOrBinding === 'string' ? targetOrBinding
      : all.find((b) => b.binding_id === targetOrBinding.binding_id)?.principal_id;
    const target = targetId === undefined ? null : principalOf(membership.state, targetId);
    if (!target || targetId === undefined) return;
    const actor = principalOf(membership.state, principal.id) ?? { id: principal.id, organization_role: null };
    const actorBindings = all.filter((b) => b.principal_id === principal.id);
    const targetBindings = all.filter((b) => b.principal_id === targetId);
    const after = {
      id: targetId,
      organization_role: OrganizationRole.is(change.organization_role) ? change.organization_role : target.organization_role,
    };
    const afterBindings: PermissionBinding[] = change.binding
      ? [...targetBindings, { principal_id: targetId, role: change.binding.role, scope: change.binding.scope }] : [...targetBindings];
    if (mayActOnPrincipal(actor, actorBindings, target, targetBindings) && mayActOnPrincipal(actor, actorBindings, after, afterBindings)) return;
    await this.denials.record(request, {
      organization_id: organizationId, principal_id: principal.id, key_prefix: null, status: 403, reason: 'exceeds_caller_rights',
    });
    throw new ProblemException(403, 'forbidden', 'Forbidden',
      'the target principal holds, or would hold, rights this principal lacks; only a principal holding all of them may act on it',
      { reason: 'exceeds_caller_rights', principal_id: targetId });
  }

  async require(request: AuthenticatedRequest, principal: OrganizationPrincipal, capability: Capability, resource: PermissionResource): Promise<void> {
    const bindings = await this.bindingsOf(request, principal);
    if (this.can(principal, bindings, capability, resource)) return;
    const visible = this.can(principal, bindings, visibilityOf(resource), resource);
    const status = visible ? 403 : 404;
    await this.denials.record(request, {
      organization_id: principal.organization_id, principal_id: principal.id, key_prefix: null, status,
      reason: visible ? 'missing_capability' : 'not_visible', capability,
    });
    if (!visible) throw new ProblemException(404, 'not-found', 'Not Found', 'the resource was not found');
    throw new ProblemException(403, 'forbidden', 'Forbidden', `this principal lacks the ${capability} capability here`, { capability });
  }
}

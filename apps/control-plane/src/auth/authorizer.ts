import { Inject, Injectable } from '@nestjs/common';
import { can, Capability, PermissionBinding, PermissionResource } from '../../../../libs/auth/src/permissions';
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
      .where('organization_id', '=', principal.organization_id).where('principal_id', '=', principal.id).orderBy('id').execute();
    const bindings = rows.map((row) => toPermissionBinding(principal.id, row));
    rememberBindings(request, bindings);
    return bindings;
  }

  can(principal: OrganizationPrincipal, bindings: readonly PermissionBinding[], capability: Capability, resource: PermissionResource): boolean {
    return can({ id: principal.id, organization_role: principal.organization_role }, bindings, capability, resource);
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

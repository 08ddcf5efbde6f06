import { Injectable } from '@nestjs/common';
import { Capability } from '../../../../libs/auth/src/permissions';
import { Authorizer } from '../auth/authorizer';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { notFoundProblem } from '../http/problem';
import { NamespaceRow } from '../tenancy/representations';
import { TenancyQueries } from '../tenancy/tenancy.queries';

/**
 * The namespace's place in the tree decides the rights on it, so it is read before the check; a
 * namespace the principal may not see, or of another organization, is 404.
 */
@Injectable()
export class NamespaceAccess {
  constructor(
    private readonly queries: TenancyQueries,
    private readonly authorizer: Authorizer,
  ) {}

  async require(request: AuthenticatedRequest, principal: OrganizationPrincipal, namespace: string, capability: Capability): Promise<NamespaceRow> {
    const row = await this.queries.namespace(principal.organization_id, namespace);
    const resource = row ? { project: row.project, environment: row.environment, namespace } : { namespace };
    await this.authorizer.require(request, principal, capability, resource);
    if (!row) throw notFoundProblem(`namespace ${namespace}`);
    return row;
  }
}

import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { effectiveCapabilities } from '../../../../libs/auth/src/permissions';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { Consistency } from '../http/consistency';
import { notFoundProblem } from '../http/problem';
import { IdentityQueries } from './identity.queries';
import { PermissionPreview } from './permission-preview';
import { roleBindingRepresentation } from './representations';

/** Who the caller is: principal, organization, role bindings and every capability it holds where. */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(
    private readonly queries: IdentityQueries,
    private readonly preview: PermissionPreview,
    private readonly consistency: Consistency,
    private readonly authorizer: Authorizer,
  ) {}

  @Get()
  async me(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal) {
    await this.consistency.beforeQuery(request);
    const organizationId = principal.organization_id;
    const [organization, member, bindingRows, resources] = await Promise.all([
      this.queries.organization(organizationId),
      this.queries.principal(organizationId, principal.id),
      this.queries.bindings(organizationId, principal.id, undefined, 10_000),
      this.preview.resources(organizationId),
    ]);
    if (!organization || !member) throw notFoundProblem('principal');
    const bindings = await this.authorizer.bindingsOf(request, principal);
    return {
      principal: {
        id: principal.id,
        kind: principal.kind,
        ...(principal.kind === 'user' ? { email: member.email } : { name: member.name }),
        organization_role: principal.organization_role,
        api_key_id: principal.key_id,
      },
      organization: { id: organization.id, name: organization.name },
      role_bindings: bindingRows.map(roleBindingRepresentation),
      capabilities: effectiveCapabilities({ id: principal.id, organization_role: principal.organization_role }, bindings, resources),
    };
  }
}

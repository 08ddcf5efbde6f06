import { Body, Controller, Delete, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { ServiceAccountCreated } from '../../../../libs/domain/identity';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency } from '../http/consistency';
import { newId } from '../http/ids';
import { decodeCursor, page, pageLimit, PageQuery } from '../http/pagination';
import { notFoundProblem } from '../http/problem';
import { IdentityCommandRunner, respond } from './command-runner';
import { CreateServiceAccountDto, DryRunQuery, isDryRun } from './dto/identity.dto';
import { IdParam } from './id-param.pipe';
import { ExecuteMembershipCommand } from './identity.commands';
import { IdentityQueries } from './identity.queries';
import { RemovePrincipal } from './principal-removal';
import { serviceAccountRepresentation } from './representations';

/** Non-human principals: no organization role, rights from role bindings only. Needs `service_accounts.manage`. */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('api/v1/service-accounts')
export class ServiceAccountsController {
  constructor(
    private readonly runner: IdentityCommandRunner,
    private readonly queries: IdentityQueries,
    private readonly consistency: Consistency,
    private readonly authorizer: Authorizer,
  ) {}

  @Post()
  async create(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Body() body: CreateServiceAccountDto, @Query() query: DryRunQuery): Promise<void> {
    await this.authorizer.require(request, principal, 'service_accounts.manage', {});
    const organizationId = principal.organization_id;
    const outcome = await this.runner.run(reply, new ExecuteMembershipCommand(organizationId, {
      type: 'AddServiceAccount', data: { service_account_id: newId('sa'), name: body.name }, context: commandContext(request, organizationId),
    }, { dryRun: isDryRun(query) }));
    if (!outcome) return;
    const id = (outcome.events[0] as ServiceAccountCreated).data.service_account_id;
    void reply.header('location', `/api/v1/service-accounts/${id}`);
    respond(reply, 201, await this.read(organizationId, id));
  }

  @Get()
  async list(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: PageQuery) {
    await this.consistency.beforeQuery(request);
    await this.authorizer.require(request, principal, 'service_accounts.manage', {});
    const limit = pageLimit(query);
    const rows = await this.queries.principals(principal.organization_id, 'service_account', decodeCursor(query.cursor, 1)?.[0], limit + 1);
    const result = page(rows, limit, (row) => [row.principal_id]);
    return { service_accounts: result.items.map(serviceAccountRepresentation), next_cursor: result.next_cursor };
  }

  @Get(':id')
  async get(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Param('id', IdParam) id: string) {
    await this.consistency.beforeQuery(request);
    await this.authorizer.require(request, principal, 'service_accounts.manage', {});
    return this.read(principal.organization_id, id);
  }

  /** Removes the service account and revokes every API key it holds. */
  @Delete(':id')
  async remove(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('id', IdParam) id: string, @Query() query: DryRunQuery): Promise<void> {
    await this.authorizer.require(request, principal, 'service_accounts.manage', {});
    await this.authorizer.requireMayActOn(request, principal, id);
    const organizationId = principal.organization_id;
    const outcome = await this.runner.run(reply, new RemovePrincipal(organizationId, {
      type: 'RemoveServiceAccount', data: { service_account_id: id }, context: commandContext(request, organizationId),
    }, { dryRun: isDryRun(query) }));
    if (outcome) respond(reply, 204);
  }

  private async read(organizationId: string, id: string) {
    const row = await this.queries.principal(organizationId, id);
    if (!row || row.kind !== 'service_account') throw notFoundProblem(`service account ${id}`);
    return serviceAccountRepresentation(row);
  }
}

import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { UserAdded } from '../../../../libs/domain/identity';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency } from '../http/consistency';
import { showOnce } from '../http/lagging-read-model';
import { newId } from '../http/ids';
import { decodeCursor, page, pageLimit, PageQuery } from '../http/pagination';
import { notFoundProblem } from '../http/problem';
import { IdentityCommandRunner, respond } from './command-runner';
import { ChangeMemberRoleDto, CreateUserDto, DryRunQuery, isDryRun } from './dto/identity.dto';
import { IdParam } from './id-param.pipe';
import { ExecuteMembershipCommand } from './identity.commands';
import { IdentityQueries } from './identity.queries';
import { RemovePrincipal } from './principal-removal';
import { memberRepresentation } from './representations';

/** Users of the organization and their organization roles. Every route needs `members.manage`. */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('api/v1')
export class MembersController {
  constructor(
    private readonly runner: IdentityCommandRunner,
    private readonly queries: IdentityQueries,
    private readonly consistency: Consistency,
    private readonly authorizer: Authorizer,
  ) {}

  @Post('users')
  async addUser(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Body() body: CreateUserDto, @Query() query: DryRunQuery): Promise<void> {
    await this.authorizer.require(request, principal, 'members.manage', {});
    const organizationId = principal.organization_id;
    const outcome = await this.runner.run(reply, new ExecuteMembershipCommand(organizationId, {
      type: 'AddUser',
      data: { user_id: newId('usr'), email: body.email, organization_role: body.organization_role },
      context: commandContext(request, organizationId),
    }, { dryRun: isDryRun(query) }));
    if (!outcome) return;
    // From the event, not the id generated above: a retried command answers with the original user.
    const userId = (outcome.events[0] as UserAdded).data.user_id;
    void reply.header('location', `/api/v1/members/${userId}`);
    showOnce(request, { id: userId });
    respond(reply, 201, await this.read(organizationId, userId));
  }

  @Get('members')
  async list(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: PageQuery) {
    await this.consistency.beforeQuery(request);
    await this.authorizer.require(request, principal, 'members.manage', {});
    const limit = pageLimit(query);
    const rows = await this.queries.principals(principal.organization_id, 'user', decodeCursor(query.cursor, 1)?.[0], limit + 1);
    const result = page(rows, limit, (row) => [row.principal_id]);
    return { members: result.items.map(memberRepresentation), next_cursor: result.next_cursor };
  }

  @Get('members/:id')
  async get(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Param('id', IdParam) id: string) {
    await this.consistency.beforeQuery(request);
    await this.authorizer.require(request, principal, 'members.manage', {});
    return this.read(principal.organization_id, id);
  }

  @Patch('members/:id')
  async changeRole(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('id', IdParam) id: string, @Body() body: ChangeMemberRoleDto, @Query() query: DryRunQuery): Promise<void> {
    await this.authorizer.require(request, principal, 'members.manage', {});
    await this.authorizer.requireMayActOn(request, principal, id, { organization_role: body.organization_role });
    const organizationId = principal.organization_id;
    const outcome = await this.runner.run(reply, new ExecuteMembershipCommand(organizationId, {
      type: 'ChangeMemberRole', data: { member_id: id, organization_role: body.organization_role }, context: commandContext(request, organizationId),
    }, { dryRun: isDryRun(query) }));
    if (outcome) respond(reply, 200, await this.read(organizationId, id));
  }

  /** Removes the user and revokes every API key it holds. */
  @Delete('members/:id')
  async remove(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('id', IdParam) id: string, @Query() query: DryRunQuery): Promise<void> {
    await this.authorizer.require(request, principal, 'members.manage', {});
    await this.authorizer.requireMayActOn(request, principal, id);
    const organizationId = principal.organization_id;
    const outcome = await this.runner.run(reply, new RemovePrincipal(organizationId, {
      type: 'RemoveMember', data: { member_id: id }, context: commandContext(request, organizationId),
    }, { dryRun: isDryRun(query) }));
    if (outcome) respond(reply, 204);
  }

  private async read(organizationId: string, id: string) {
    const row = await this.queries.principal(organizationId, id);
    if (!row || row.kind !== 'user') throw notFoundProblem(`member ${id}`);
    return memberRepresentation(row);
  }
}

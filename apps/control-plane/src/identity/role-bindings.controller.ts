import { Body, Controller, Delete, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { BindingRole, RoleBindingCreated } from '../../../../libs/domain/identity';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency } from '../http/consistency';
import { newId } from '../http/ids';
import { decodeCursor, page, pageLimit } from '../http/pagination';
import { notFoundProblem } from '../http/problem';
import { IdentityCommandRunner, respond } from './command-runner';
import { CreateRoleBindingDto, DryRunQuery, isDryRun, RoleBindingListQuery } from './dto/identity.dto';
import { IdParam } from './id-param.pipe';
import { ExecuteRoleBindingsCommand } from './identity.commands';
import { IdentityQueries } from './identity.queries';
import { roleBindingRepresentation } from './representations';
import { RoleBindingScope } from './role-binding-scope';

/** Roles on a project, environment or namespace. Every route needs `role_bindings.manage`. */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('api/v1/role-bindings')
export class RoleBindingsController {
  constructor(
    private readonly runner: IdentityCommandRunner,
    private readonly queries: IdentityQueries,
    private readonly consistency: Consistency,
    private readonly authorizer: Authorizer,
    private readonly scopes: RoleBindingScope,
  ) {}

  @Post()
  async create(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Body() body: CreateRoleBindingDto, @Query() query: DryRunQuery): Promise<void> {
    await this.authorizer.require(request, principal, 'role_bindings.manage', {});
    const organizationId = principal.organization_id;
    const scope = await this.scopes.resolve(organizationId, body.scope);
    if (BindingRole.is(body.role)) await this.authorizer.requireMayActOn(request, principal, body.principal_id, { binding: { role: body.role, scope } });
    const outcome = await this.runner.run(reply, new ExecuteRoleBindingsCommand(organizationId, {
      type: 'CreateRoleBinding',
      // principal_kind is resolved by the handler from the membership stream (null: no such current principal → 404).
      data: { binding_id: newId('rb'), principal_id: body.principal_id, role: body.role, scope },
      context: commandContext(request, organizationId),
    }, { dryRun: isDryRun(query) }));
    if (!outcome) return;
    const id = (outcome.events[0] as RoleBindingCreated).data.binding_id;
    void reply.header('location', `/api/v1/role-bindings/${id}`);
    respond(reply, 201, await this.read(organizationId, id));
  }

  @Get()
  async list(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: RoleBindingListQuery) {
    await this.consistency.beforeQuery(request);
    await this.authorizer.require(request, principal, 'role_bindings.manage', {});
    const limit = pageLimit(query);
    const rows = await this.queries.bindings(principal.organization_id, query.principal_id, decodeCursor(query.cursor, 1)?.[0], limit + 1);
    const result = page(rows, limit, (row) => [row.id]);
    return { role_bindings: result.items.map(roleBindingRepresentation), next_cursor: result.next_cursor };
  }

  @Get(':id')
  async get(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Param('id', IdParam) id: string) {
    await this.consistency.beforeQuery(request);
    await this.authorizer.require(request, principal, 'role_bindings.manage', {});
    return this.read(principal.organization_id, id);
  }

  @Delete(':id')
  async remove(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('id', IdParam) id: string, @Query() query: DryRunQuery): Promise<void> {
    await this.authorizer.require(request, principal, 'role_bindings.manage', {});
    const organizationId = principal.organization_id;
    await this.authorizer.requireMayActOn(request, principal, { binding_id: id });
    const outcome = await this.runner.run(reply, new ExecuteRoleBindingsCommand(organizationId, {
      type: 'DeleteRoleBinding', data: { binding_id: id }, context: commandContext(request, organizationId),
    }, { dryRun: isDryRun(query) }));
    if (outcome) respond(reply, 204);
  }

  private async read(organizationId: string, id: string) {
    const row = await this.queries.binding(organizationId, id);
    if (!row) throw notFoundProblem(`role binding ${id}`);
    return roleBindingRepresentation(row);
  }
}

import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { HandledCommand } from '../../../../libs/event-store/src';
import { EnvironmentState } from '../../../../libs/domain/tenancy/environment/decider';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency, expectedRevisionFrom } from '../http/consistency';
import { newId } from '../http/ids';
import { NameParam } from '../http/name-param.pipe';
import { decodeCursor, page, pageLimit, PageQuery } from '../http/pagination';
import { notFoundProblem } from '../http/problem';
import { CreateEnvironmentDto, UpdateDescriptionDto } from './dto/tenancy.dto';
import { environmentRepresentation } from './representations';
import { ExecuteEnvironmentCommand } from './tenancy.commands';
import { TenancyQueries } from './tenancy.queries';
import { visiblePage } from './visible-page';

@ApiTags('tenancy')
@ApiBearerAuth()
@Controller('api/v1/projects/:project/environments')
export class EnvironmentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: TenancyQueries,
    private readonly consistency: Consistency,
    private readonly authorizer: Authorizer,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Param('project', NameParam) project: string, @Body() body: CreateEnvironmentDto) {
    await this.authorizer.require(request, principal, 'environments.create', { project });
    const organizationId = principal.organization_id;
    const result: HandledCommand<EnvironmentState, unknown> = await this.commands.execute(new ExecuteEnvironmentCommand(organizationId, project, body.name, {
      type: 'CreateEnvironment',
      data: { environment_id: newId('env'), project, name: body.name, description: body.description },
      context: commandContext(request, organizationId),
    }));
    await this.consistency.afterCommand(reply, result.position, result.revision);
    void reply.header('location', `/api/v1/projects/${project}/environments/${body.name}`);
    return this.read(organizationId, project, body.name);
  }

  @Get()
  async list(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('project', NameParam) project: string, @Query() query: PageQuery) {
    await this.consistency.beforeQuery(request);
    await this.authorizer.require(request, principal, 'project.read', { project });
    if (!(await this.queries.project(principal.organization_id, project))) throw notFoundProblem(`project ${project}`);
    const limit = pageLimit(query);
    const bindings = await this.authorizer.bindingsOf(request, principal);
    const rows = await visiblePage(
      (from, n) => this.queries.environments(principal.organization_id, project, from, n),
      (row) => this.authorizer.can(principal, bindings, 'environment.read', { project, environment: row.name }),
      (row) => row.name, decodeCursor(query.cursor, 1)?.[0], limit);
    const result = page(rows, limit, (row) => [row.name]);
    return { environments: result.items.map(environmentRepresentation), next_cursor: result.next_cursor };
  }

  @Get(':environment')
  async get(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('project', NameParam) project: string, @Param('environment', NameParam) environment: string) {
    await this.consistency.beforeQuery(request);
    await this.authorizer.require(request, principal, 'environment.read', { project, environment });
    const representation = await this.read(principal.organization_id, project, environment);
    void reply.header('etag', representation.etag);
    return representation;
  }

  @Patch(':environment')
  async update(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('project', NameParam) project: string, @Param('environment', NameParam) environment: string, @Body() body: UpdateDescriptionDto) {
    await this.authorizer.require(request, principal, 'environments.create', { project });
    const organizationId = principal.organization_id;
    const result: HandledCommand<EnvironmentState, unknown> = await this.commands.execute(new ExecuteEnvironmentCommand(organizationId, project, environment, {
      type: 'UpdateEnvironment', data: { description: body.description }, context: commandContext(request, organizationId),
    }, { expectedRevision: expectedRevisionFrom(request) }));
    await this.consistency.afterCommand(reply, result.position, result.revision);
    return this.read(organizationId, project, environment);
  }

  private async read(organizationId: string, project: string, environment: string) {
    const row = await this.queries.environment(organizationId, project, environment);
    if (!row) throw notFoundProblem(`environment ${project}/${environment}`);
    return environmentRepresentation(row);
  }
}

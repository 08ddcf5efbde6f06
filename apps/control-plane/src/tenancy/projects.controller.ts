import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { HandledCommand } from '../../../../libs/event-store/src';
import { ProjectState } from '../../../../libs/domain/tenancy/project/decider';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency, expectedRevisionFrom } from '../http/consistency';
import { newId } from '../http/ids';
import { decodeCursor, page, pageLimit, PageQuery } from '../http/pagination';
import { NameParam } from '../http/name-param.pipe';
import { notFoundProblem } from '../http/problem';
import { CreateProjectDto, UpdateDescriptionDto } from './dto/tenancy.dto';
import { projectRepresentation } from './representations';
import { ExecuteProjectCommand } from './tenancy.commands';
import { TenancyQueries } from './tenancy.queries';
import { visiblePage } from './visible-page';

@ApiTags('tenancy')
@ApiBearerAuth()
@Controller('api/v1/projects')
export class ProjectsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: TenancyQueries,
    private readonly consistency: Consistency,
    private readonly authorizer: Authorizer,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Body() body: CreateProjectDto) {
    await this.authorizer.require(request, principal, 'projects.create', {});
    const organizationId = principal.organization_id;
    const result: HandledCommand<ProjectState, unknown> = await this.commands.execute(new ExecuteProjectCommand(organizationId, body.name, {
      type: 'CreateProject',
      data: { project_id: newId('prj'), name: body.name, description: body.description },
      context: commandContext(request, organizationId),
    }));
    await this.consistency.afterCommand(reply, result.position, result.revision);
    void reply.header('location', `/api/v1/projects/${body.name}`);
    return this.read(organizationId, body.name);
  }

  @Get()
  async list(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: PageQuery) {
    await this.consistency.beforeQuery(request);
    const limit = pageLimit(query);
    const after = decodeCursor(query.cursor, 1)?.[0];
    const bindings = await this.authorizer.bindingsOf(request, principal);
    const rows = await visiblePage(
      (from, n) => this.queries.projects(principal.organization_id, from, n),
      (row) => this.authorizer.can(principal, bindings, 'project.read', { project: row.name }),
      (row) => row.name, after, limit);
    const result = page(rows, limit, (row) => [row.name]);
    return { projects: result.items.map(projectRepresentation), next_cursor: result.next_cursor };
  }

  @Get(':project')
  async get(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Param('project', NameParam) project: string) {
    await this.consistency.beforeQuery(request);
    await this.authorizer.require(request, principal, 'project.read', { project });
    const representation = await this.read(principal.organization_id, project);
    void reply.header('etag', representation.etag);
    return representation;
  }

  @Patch(':project')
  async update(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Param('project', NameParam) project: string, @Body() body: UpdateDescriptionDto) {
    await this.authorizer.require(request, principal, 'projects.create', {});
    const organizationId = principal.organization_id;
    const result: HandledCommand<ProjectState, unknown> = await this.commands.execute(new ExecuteProjectCommand(organizationId, project, {
      type: 'UpdateProject', data: { description: body.description }, context: commandContext(request, organizationId),
    }, { expectedRevision: expectedRevisionFrom(request) }));
    await this.consistency.afterCommand(reply, result.position, result.revision);
    return this.read(organizationId, project);
  }

  private async read(organizationId: string, project: string) {
    const row = await this.queries.project(organizationId, project);
    if (!row) throw notFoundProblem(`project ${project}`);
    return projectRepresentation(row);
  }
}

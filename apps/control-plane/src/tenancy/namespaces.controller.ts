import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { FastifyReply } from 'fastify';
import { deterministicEventId, HandledCommand } from '../../../../libs/event-store/src';
import { namespaceDeletion } from '../../../../libs/domain/tenancy/namespace-deletion/process';
import { ControlPlaneConfig } from '../config/config';
import { Platform } from '../platform/platform';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { Processes } from '../processes/processes.service';
import { NamespaceState } from '../../../../libs/domain/tenancy/namespace/decider';
import { DNS_LABEL } from '../../../../libs/domain/tenancy/names';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency, expectedRevisionFrom } from '../http/consistency';
import { newId } from '../http/ids';
import { NameParam } from '../http/name-param.pipe';
import { decodeCursor, page, pageLimit, PageQuery } from '../http/pagination';
import { notFoundProblem } from '../http/problem';
import { PlacementService } from '../placement/placement.service';
import { CreateNamespaceDto, UpdateDescriptionDto } from './dto/tenancy.dto';
import { namespaceRepresentation } from './representations';
import { ExecuteNamespaceCommand } from './tenancy.commands';
import { TenancyQueries } from './tenancy.queries';
import { visiblePage } from './visible-page';

export class NamespaceListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @Matches(DNS_LABEL) project?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(DNS_LABEL) environment?: string;
}

@ApiTags('tenancy')
@ApiBearerAuth()
@Controller('api/v1')
export class NamespacesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: TenancyQueries,
    private readonly consistency: Consistency,
    private readonly authorizer: Authorizer,
    private readonly placement: PlacementService,
    private readonly processes: Processes,
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
  ) {}

  @Post('projects/:project/environments/:environment/namespaces')
  @HttpCode(201)
  async create(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('project', NameParam) project: string, @Param('environment', NameParam) environment: string, @Body() body: CreateNamespaceDto) {
    await this.authorizer.require(request, principal, 'namespaces.create', { project, environment });
    const organizationId = principal.organization_id;
    const context = commandContext(request, organizationId);
    if (body.runtime_target_id !== undefined) {
      // Placing at creation is assigning: the same right and rules, checked before anything is written.
      await this.authorizer.require(request, principal, 'namespace.manage', { project, environment, namespace: body.name });
      await this.placement.checkAssignable(organizationId, body.name, body.runtime_target_id, context);
    }
    const result: HandledCommand<NamespaceState, unknown> = await this.commands.execute(new ExecuteNamespaceCommand(organizationId, body.name, {
      type: 'CreateNamespace',
      data: { namespace_id: newId('ns'), name: body.name, project, environment, description: body.description },
      context,
    }));
    const placed = body.runtime_target_id === undefined ? null : await this.placement.assign(organizationId, body.name, body.runtime_target_id, context);
    await this.consistency.afterCommand(reply, placed?.position ?? result.position, result.revision);
    if (placed && !placed.settled) void reply.status(202);
    void reply.header('location', `/api/v1/namespaces/${body.name}`);
    return this.read(organizationId, body.name);
  }

  @Get('projects/:project/environments/:environment/namespaces')
  async listInEnvironment(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('project', NameParam) project: string, @Param('environment', NameParam) environment: string, @Query() query: PageQuery) {
    await this.authorizer.require(request, principal, 'environment.read', { project, environment });
    if (!(await this.queries.environment(principal.organization_id, project, environment))) throw notFoundProblem(`environment ${project}/${environment}`);
    return this.listVisible(request, principal, { project, environment }, query);
  }

  @Get('namespaces')
  list(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: NamespaceListQuery) {
    return this.listVisible(request, principal, { project: query.project, environment: query.environment }, query);
  }

  @Get('namespaces/:namespace')
  async get(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Param('namespace', NameParam) namespace: string) {
    await this.consistency.beforeQuery(request);
    const representation = await this.readAuthorized(request, principal, namespace, 'namespace.read');
    void reply.header('etag', representation.etag);
    return representation;
  }

  @Patch('namespaces/:namespace')
  async update(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string, @Body() body: UpdateDescriptionDto) {
    await this.readAuthorized(request, principal, namespace, 'namespace.manage');
    const organizationId = principal.organization_id;
    const result: HandledCommand<NamespaceState, unknown> = await this.commands.execute(new ExecuteNamespaceCommand(organizationId, namespace, {
      type: 'UpdateNamespace', data: { description: body.description }, context: commandContext(request, organizationId),
    }, { expectedRevision: expectedRevisionFrom(request) }));
    await this.consistency.afterCommand(reply, result.position, result.revision);
    return this.read(organizationId, namespace);
  }

  @Delete('namespaces/:namespace')
  @HttpCode(204)
  async delete(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Param('namespace', NameParam) namespace: string) {
    await this.readAuthorized(request, principal, namespace, 'namespace.manage');
    const organizationId = principal.organization_id;
    const context = commandContext(request, organizationId);
    const result: HandledCommand<NamespaceState, unknown> = await this.commands.execute(new ExecuteNamespaceCommand(organizationId, namespace, {
      type: 'DeleteNamespace', data: {}, context,
    }, { expectedRevision: expectedRevisionFrom(request) }));
    // The namespace-deletion process revokes its runtime credentials, disables and releases its runtime
    // namespaces and deletes the bindings on it; 202 when that goes on past the wait.
    const cleaned = await this.processes.runner.waitFor(namespaceDeletion.name, `${organizationId}:${deterministicEventId(context.command_id, 0)}`,
      (envelope) => envelope.status === 'completed' || envelope.status === 'failed', this.config.consistencyWaitMs);
    await this.consistency.afterCommand(reply, cleaned ? await this.platform.store.lastCommittedPosition() : result.position);
    if (!cleaned) void reply.status(202);
  }

  private async listVisible(request: AuthenticatedRequest, principal: OrganizationPrincipal,
    filter: { project?: string; environment?: string }, query: PageQuery) {
    await this.consistency.beforeQuery(request);
    const limit = pageLimit(query);
    const bindings = await this.authorizer.bindingsOf(request, principal);
    const rows = await visiblePage(
      (from, n) => this.queries.namespaces(principal.organization_id, filter, from, n),
      (row) => this.authorizer.can(principal, bindings, 'namespace.read', { project: row.project, environment: row.environment, namespace: row.name }),
      (row) => row.name, decodeCursor(query.cursor, 1)?.[0], limit);
    const result = page(rows, limit, (row) => [row.name]);
    const items = await this.queries.withReplication(principal.organization_id, result.items);
    return { namespaces: items.map(namespaceRepresentation), next_cursor: result.next_cursor };
  }

  /** The namespace's place in the tree decides the rights on it, so it is read before the check; unseen is 404. */
  private async readAuthorized(request: AuthenticatedRequest, principal: OrganizationPrincipal, namespace: string,
    capability: 'namespace.read' | 'namespace.manage') {
    const row = await this.queries.namespace(principal.organization_id, namespace);
    const resource = row ? { project: row.project, environment: row.environment, namespace } : { namespace };
    await this.authorizer.require(request, principal, capability, resource);
    if (!row) throw notFoundProblem(`namespace ${namespace}`);
    return namespaceRepresentation(row);
  }

  private async read(organizationId: string, namespace: string) {
    const row = await this.queries.namespace(organizationId, namespace);
    if (!row) throw notFoundProblem(`namespace ${namespace}`);
    return namespaceRepresentation(row);
  }
}

import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency } from '../http/consistency';
import { NameParam } from '../http/name-param.pipe';
import { notFoundProblem } from '../http/problem';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { namespaceRepresentation } from '../tenancy/representations';
import { TenancyQueries } from '../tenancy/tenancy.queries';
import { NamespaceAccess } from './namespace-access';
import { AssignRuntimeTargetDto, MigrateNamespaceDto } from './placement.dto';
import { PlacementService } from './placement.service';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** Placing namespaces on runtime targets: the first assignment, deliberate migrations, and the history. */
@ApiTags('placement')
@ApiBearerAuth()
@Controller('api/v1/namespaces/:namespace')
export class PlacementController {
  constructor(
    private readonly access: NamespaceAccess,
    private readonly placement: PlacementService,
    private readonly queries: TenancyQueries,
    private readonly consistency: Consistency,
    @Inject(PLATFORM) private readonly platform: Platform,
  ) {}

  @Put('runtime-target')
  async assign(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Param('namespace', NameParam) namespace: string, @Body() body: AssignRuntimeTargetDto) {
    await this.access.require(request, principal, namespace, 'namespace.manage');
    const organizationId = principal.organization_id;
    const change = await this.placement.assign(organizationId, namespace, body.runtime_target_id, commandContext(request, organizationId));
    await this.consistency.afterCommand(reply, change.position);
    // 202: the target has not answered yet; the provisioning process goes on and records the outcome.
    void reply.status(change.settled ? 200 : 202);
    return this.read(organizationId, namespace);
  }

  @Post('migrations')
  @HttpCode(201)
  async migrate(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Param('namespace', NameParam) namespace: string, @Body() body: MigrateNamespaceDto) {
    await this.access.require(request, principal, namespace, 'namespace.manage');
    const organizationId = principal.organization_id;
    const change = await this.placement.migrate(organizationId, namespace, body.to_runtime_target_id, body.reason, commandContext(request, organizationId));
    await this.consistency.afterCommand(reply, change.position);
    void reply.status(change.settled ? 201 : 202);
    const current = await this.read(organizationId, namespace);
    const migration = change.migration;
    return {
      namespace, from_runtime_target_id: migration?.from_runtime_target_id, to_runtime_target_id: migration?.to_runtime_target_id,
      runtime_namespace: migration?.to_runtime_namespace, reason: migration?.reason, in_flight_runs: migration?.in_flight_runs,
      migrated_at: migration?.migrated_at, active_runtime_target: current.active_runtime_target, provisioning: current.provisioning,
    };
  }

  /** Every target that served the namespace, newest first; the open one is active. */
  @Get('placements')
  async history(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Param('namespace', NameParam) namespace: string) {
    await this.consistency.beforeQuery(request);
    const row = await this.access.require(request, principal, namespace, 'namespace.read');
    const rows = await this.platform.storage.db.selectFrom('namespace_placements').selectAll()
      .where('organization_id', '=', principal.organization_id).where('namespace_id', '=', row.id)
      .orderBy('assigned_at', 'desc').orderBy('stream_revision', 'desc').execute();
    return {
      placements: rows.map((p) => ({
        runtime_target_id: p.runtime_target_id, runtime_namespace: p.runtime_namespace, assigned_at: iso(p.assigned_at), unassigned_at: iso(p.unassigned_at),
        migration_reason: p.migration_reason, provisioning: { status: p.provisioning_status, detail: p.provisioning_detail },
      })),
    };
  }

  private async read(organizationId: string, namespace: string) {
    const row = await this.queries.namespace(organizationId, namespace);
    if (!row) throw notFoundProblem(`namespace ${namespace}`);
    return namespaceRepresentation(row);
  }
}

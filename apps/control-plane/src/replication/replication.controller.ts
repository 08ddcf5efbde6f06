import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { SwitchKind } from '../../../../libs/domain/replication/namespace-replication/events';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency } from '../http/consistency';
import { NameParam } from '../http/name-param.pipe';
import { badRequest, ProblemException } from '../http/problem';
import { NamespaceAccess } from '../placement/namespace-access';
import { ReplicationEventStream } from './replication-events';
import { ReplicationService } from './replication.service';

const objectBody = (body: unknown): Record<string, unknown> => {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body must be a JSON object');
  return body as Record<string, unknown>;
};

const dryRunOf = (value: unknown): boolean => {
  if (value === undefined) return false;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw badRequest('dry_run must be true or false', 'dry_run');
};

/** Multi-region replication of a namespace: enrollment, the saga's state, manual switches and the live stream of its steps. */
@ApiTags('replication')
@ApiBearerAuth()
@Controller('api/v1/namespaces/:namespace/replication')
export class ReplicationController {
  constructor(
    private readonly access: NamespaceAccess,
    private readonly replication: ReplicationService,
    private readonly consistency: Consistency,
    private readonly stream: ReplicationEventStream,
  ) {}

  @Put()
  async enroll(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string, @Body() body: unknown) {
    const row = await this.access.require(request, principal, namespace, 'replication.manage');
    const fields = objectBody(body);
    if (typeof fields.secondary_runtime_target_id !== 'string' || fields.secondary_runtime_target_id.length === 0 || fields.secondary_runtime_target_id.length > 64) {
      throw new ProblemException(422, 'validation-failed', 'Unprocessable Content', 'secondary_runtime_target_id must be a runtime target id', { field: 'secondary_runtime_target_id' });
    }
    const handled = await this.replication.enroll(principal.organization_id, { id: row.id, name: namespace }, fields, commandContext(request, principal.organization_id));
    await this.consistency.afterCommand(reply, handled.position);
    return this.read(principal.organization_id, row.id);
  }

  @Get()
  async get(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Param('namespace', NameParam) namespace: string) {
    const row = await this.access.require(request, principal, namespace, 'namespace.read');
    return this.read(principal.organization_id, row.id);
  }

  @Delete()
  @HttpCode(204)
  async leave(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string) {
    const row = await this.access.require(request, principal, namespace, 'replication.manage');
    const handled = await this.replication.leave(principal.organization_id, row.id, commandContext(request, principal.organization_id));
    await this.consistency.afterCommand(reply, handled.position);
  }

  @Patch()
  async patch(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string, @Body() body: unknown) {
    const row = await this.access.require(request, principal, namespace, 'replication.manage');
    const fields = objectBody(body);
    const handled = await this.replication.setAutomatic(principal.organization_id, row.id, fields.automatic_failover, commandContext(request, principal.organization_id));
    await this.consistency.afterCommand(reply, handled.position);
    return this.read(principal.organization_id, row.id);
  }

  @Post('failover')
  failover(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string, @Query('dry_run') dryRun: unknown, @Body() body: unknown) {
    return this.manual('failover', request, reply, principal, namespace, dryRun, body);
  }

  @Post('failback')
  failback(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string, @Query('dry_run') dryRun: unknown, @Body() body: unknown) {
    return this.manual('failback', request, reply, principal, namespace, dryRun, body);
  }

  @Get('events')
  async events(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string) {
    const row = await this.access.require(request, principal, namespace, 'namespace.read');
    await this.replication.require(principal.organization_id, row.id);
    const last = request.headers['last-event-id'];
    await this.stream.serve(request, reply, principal.organization_id, row.id, typeof last === 'string' ? last : undefined);
  }

  private async manual(kind: SwitchKind, request: AuthenticatedRequest, reply: FastifyReply, principal: OrganizationPrincipal, namespace: string, dryRunParam: unknown, body: unknown) {
    const row = await this.access.require(request, principal, namespace, 'replication.manage');
    const fields = objectBody(body);
    if (fields.accept_lag !== undefined && typeof fields.accept_lag !== 'boolean') {
      throw new ProblemException(422, 'validation-failed', 'Unprocessable Content', 'accept_lag must be true or false', { field: 'accept_lag' });
    }
    if (fields.reason !== undefined && (typeof fields.reason !== 'string' || fields.reason.length > 500)) {
      throw new ProblemException(422, 'validation-failed', 'Unprocessable Content', 'reason must be text of at most 500 characters', { field: 'reason' });
    }
    const dryRun = dryRunOf(dryRunParam);
    const { state } = await this.replication.require(principal.organization_id, row.id);
    const verdict = this.replication.dryRun(state, kind, fields.accept_lag === true);
    if (dryRun) return { go: verdict.go, reasons: verdict.reasons, predicted_rpo_seconds: verdict.predicted_rpo_seconds };
    if (!verdict.go) {
      throw new ProblemException(409, verdict.lag_refused ? 'replication-lag-too-high' : 'conflict', 'Conflict', `no-go: ${verdict.reasons.join('; ')}`,
        { reasons: verdict.reasons, predicted_rpo_seconds: verdict.predicted_rpo_seconds });
    }
    const handled = await this.replication.manualSwitch(principal.organization_id, row.id, kind, fields, commandContext(request, principal.organization_id));
    await this.consistency.afterCommand(reply, handled.position);
    void reply.status(202);
    return this.read(principal.organization_id, row.id);
  }

  private async read(organizationId: string, namespaceId: string) {
    const { state, events } = await this.replication.require(organizationId, namespaceId);
    return this.replication.view(organizationId, state, events);
  }
}

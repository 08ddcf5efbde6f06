import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CONTROL_PLANE_HEADER, CONTROL_PLANE_VERSION } from '../../../../libs/runtime-client/src';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency } from '../http/consistency';
import { newId } from '../http/ids';
import { NameParam } from '../http/name-param.pipe';
import { decodeCursor, page, pageLimit, PageQuery } from '../http/pagination';
import { ProblemException } from '../http/problem';
import { NamespaceAccess } from '../placement/namespace-access';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { ActivePlacements } from './active-placement';
import { IssueRuntimeCredentialDto } from './runtime-credentials.dto';
import { RuntimeCredentials } from './runtime-credentials.service';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const CREDENTIAL_ID = /^rcr_[0-9a-z]{26}$/;

/**
 * What customer-run workers and clients need to reach the runtime target that owns a namespace:
 * the connection facts and namespace-scoped runtime credentials. Workers talk to the target
 * directly; Cloud is not in their path.
 */
@ApiTags('connectivity')
@ApiBearerAuth()
@Controller('api/v1/namespaces/:namespace')
export class ConnectivityController {
  constructor(
    private readonly access: NamespaceAccess,
    private readonly placements: ActivePlacements,
    private readonly credentials: RuntimeCredentials,
    private readonly consistency: Consistency,
    @Inject(PLATFORM) private readonly platform: Platform,
  ) {}

  @Get('connection')
  async connection(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Param('namespace', NameParam) namespace: string) {
    await this.consistency.beforeQuery(request);
    const row = await this.access.require(request, principal, namespace, 'namespace.read');
    const placement = await this.placements.require(principal.organization_id, row.id);
    return {
      runtime_base_url: placement.target.base_url,
      runtime_namespace: placement.runtime_namespace,
      region: placement.target.region,
      headers: { 'X-Namespace': placement.runtime_namespace, [CONTROL_PLANE_HEADER]: CONTROL_PLANE_VERSION },
      runtime_target_id: placement.target.id,
      provider: placement.target.provider,
      provisioning: { status: placement.provisioning_status },
    };
  }

  @Post('runtime-credentials')
  @HttpCode(201)
  async issue(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string, @Body() body: IssueRuntimeCredentialDto) {
    const row = await this.access.require(request, principal, namespace, 'namespace.manage');
    await this.refuseIfRestricted(principal.organization_id);
    const placement = await this.placements.require(principal.organization_id, row.id);
    const credentialId = newId('rcr');
    const issued = await this.credentials.issue(principal.organization_id, { name: row.name, id: row.id }, placement, credentialId, body,
      commandContext(request, principal.organization_id));
    await this.consistency.afterCommand(reply, issued.position);
    void reply.header('location', `/api/v1/namespaces/${namespace}/runtime-credentials/${credentialId}`);
    return {
      id: credentialId, name: body.name, role: body.role, token: issued.token, token_prefix: issued.token_prefix,
      runtime_target_id: placement.target.id, runtime_namespace: placement.runtime_namespace,
    };
  }

  @Get('runtime-credentials')
  async list(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string, @Query() query: PageQuery) {
    await this.consistency.beforeQuery(request);
    const row = await this.access.require(request, principal, namespace, 'namespace.read');
    const limit = pageLimit(query);
    const after = decodeCursor(query.cursor, 1)?.[0];
    let select = this.platform.storage.db.selectFrom('runtime_credentials').selectAll()
      .where('organization_id', '=', principal.organization_id).where('namespace_id', '=', row.id);
    if (after !== undefined) select = select.where('id', '>', after);
    const rows = await select.orderBy('id').limit(limit + 1).execute();
    const result = page(rows, limit, (r) => [r.id]);
    return {
      runtime_credentials: result.items.map((r) => ({
        id: r.id, name: r.name, role: r.role, token_prefix: r.token_prefix, state: r.state, runtime_target_id: r.runtime_target_id,
        runtime_namespace: r.runtime_namespace, issued_at: iso(r.issued_at), rotated_at: iso(r.rotated_at), revoked_at: iso(r.revoked_at),
      })),
      next_cursor: result.next_cursor,
    };
  }

  @Post('runtime-credentials/:id/rotate')
  @HttpCode(200)
  async rotate(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string, @Param('id') id: string) {
    const row = await this.access.require(request, principal, namespace, 'namespace.manage');
    await this.refuseIfRestricted(principal.organization_id);
    this.checkId(id);
    const rotated = await this.credentials.rotate(principal.organization_id, row.id, id, commandContext(request, principal.organization_id));
    await this.consistency.afterCommand(reply, rotated.position);
    return { id, token: rotated.token, token_prefix: rotated.token_prefix };
  }

  @Delete('runtime-credentials/:id')
  @HttpCode(204)
  async revoke(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string, @Param('id') id: string) {
    const row = await this.access.require(request, principal, namespace, 'namespace.manage');
    this.checkId(id);
    const result = await this.credentials.revoke(principal.organization_id, row.id, id, commandContext(request, principal.organization_id));
    await this.consistency.afterCommand(reply, result.position);
  }

  private checkId(id: string): void {
    if (!CREDENTIAL_ID.test(id)) throw new ProblemException(404, 'not-found', 'Not Found', 'runtime credential was not found');
  }

  /** Issuing or rotating grants runtime access: paused, like provisioning, while the organization is billing-restricted. */
  private async refuseIfRestricted(organizationId: string): Promise<void> {
    const org = await this.platform.storage.db.selectFrom('organizations').select('billing_restricted').where('id', '=', organizationId).executeTakeFirst();
    if (org?.billing_restricted) {
      throw new ProblemException(403, 'billing-restricted', 'Billing Restricted', 'the organization is billing-restricted: issuing runtime credentials is paused');
    }
  }
}

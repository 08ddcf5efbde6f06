import { clockOf } from '../http/clock';
import { Body, Controller, Delete, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import { generateApiKeyToken } from '../../../../libs/auth/src/api-key-token';
import { ApiKeyRotated } from '../../../../libs/domain/identity';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency } from '../http/consistency';
import { showOnce } from '../http/lagging-read-model';
import { newId } from '../http/ids';
import { decodeCursor, page, pageLimit } from '../http/pagination';
import { notFoundProblem } from '../http/problem';
import { IdentityCommandRunner, respond } from './command-runner';
import { ApiKeyListQuery, ApiKeyReasonDto, CreateApiKeyDto, DryRunQuery, isDryRun, RotateApiKeyDto } from './dto/identity.dto';
import { IdParam } from './id-param.pipe';
import { ExecuteApiKeyCommand } from './identity.commands';
import { IdentityQueries } from './identity.queries';
import { apiKeyRepresentation, ApiKeyRow } from './representations';

/**
 * `dwc_` API keys. A principal manages its own keys without any capability; another principal's keys
 * need `api_keys.manage`. A token is shown once, in the answer that creates or rotates it; only its
 * prefix and SHA-256 are stored.
 */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly runner: IdentityCommandRunner,
    private readonly queries: IdentityQueries,
    private readonly consistency: Consistency,
    private readonly authorizer: Authorizer,
  ) {}

  @Post()
  async create(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Body() body: CreateApiKeyDto, @Query() query: DryRunQuery): Promise<void> {
    if (body.principal_id !== principal.id) {
      await this.authorizer.require(request, principal, 'api_keys.manage', {});
      await this.authorizer.requireMayActOn(request, principal, body.principal_id);
    }
    const organizationId = principal.organization_id;
    const keyId = newId('key');
    const token = generateApiKeyToken(randomBytes);
    showOnce(request, { id: keyId, token: token.token });
    const outcome = await this.runner.run(reply, new ExecuteApiKeyCommand(organizationId, keyId, {
      type: 'IssueApiKey',
      data: {
        key_id: keyId, principal_id: body.principal_id, name: body.name,
        token_prefix: token.token_prefix, secret_hash: token.secret_hash, expires_at: body.expires_at,
      },
      context: commandContext(request, organizationId),
    }, { dryRun: isDryRun(query) }));
    if (!outcome) return;
    void reply.header('location', `/api/v1/api-keys/${keyId}`);
    respond(reply, 201, { ...(await this.read(organizationId, keyId)), token: token.token });
  }

  /** Every key of the organization with `api_keys.manage`; otherwise the caller's own keys only. */
  @Get()
  async list(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: ApiKeyListQuery) {
    await this.consistency.beforeQuery(request);
    const bindings = await this.authorizer.bindingsOf(request, principal);
    let principalId = query.principal_id;
    if (!this.authorizer.can(principal, bindings, 'api_keys.manage', {})) {
      if (principalId !== undefined && principalId !== principal.id) await this.authorizer.require(request, principal, 'api_keys.manage', {});
      principalId = principal.id;
    }
    const limit = pageLimit(query);
    const rows = await this.queries.apiKeys(principal.organization_id, principalId, decodeCursor(query.cursor, 1)?.[0], limit + 1);
    const result = page(rows, limit, (row) => [row.id]);
    const now = clockOf(request)();
    return { api_keys: result.items.map((row) => apiKeyRepresentation(row, now)), next_cursor: result.next_cursor };
  }

  @Get(':id')
  async get(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Param('id', IdParam) id: string) {
    await this.consistency.beforeQuery(request);
    return apiKeyRepresentation(await this.authorizedKey(request, principal, id), clockOf(request)());
  }

  /** Revokes the key, for good. */
  @Delete(':id')
  async revoke(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('id', IdParam) id: string, @Query() query: DryRunQuery): Promise<void> {
    await this.authorizedKey(request, principal, id);
    const outcome = await this.runner.run(reply, new ExecuteApiKeyCommand(principal.organization_id, id, {
      type: 'RevokeApiKey', data: { key_id: id }, context: commandContext(request, principal.organization_id),
    }, { dryRun: isDryRun(query) }));
    if (outcome) respond(reply, 204);
  }

  @Post(':id/disable')
  async disable(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('id', IdParam) id: string, @Body() body: ApiKeyReasonDto, @Query() query: DryRunQuery): Promise<void> {
    await this.authorizedKey(request, principal, id);
    const outcome = await this.runner.run(reply, new ExecuteApiKeyCommand(principal.organization_id, id, {
      type: 'DisableApiKey', data: { key_id: id, reason: body.reason }, context: commandContext(request, principal.organization_id),
    }, { dryRun: isDryRun(query) }));
    if (outcome) respond(reply, 200, await this.read(principal.organization_id, id));
  }

  @Post(':id/enable')
  async enable(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('id', IdParam) id: string, @Query() query: DryRunQuery): Promise<void> {
    await this.authorizedKey(request, principal, id);
    const outcome = await this.runner.run(reply, new ExecuteApiKeyCommand(principal.organization_id, id, {
      type: 'EnableApiKey', data: { key_id: id }, context: commandContext(request, principal.organization_id),
    }, { dryRun: isDryRun(query) }));
    if (outcome) respond(reply, 200, await this.read(principal.organization_id, id));
  }

  /** A new token (shown once) replaces the current one, which keeps working for `grace_seconds`. */
  @Post(':id/rotate')
  async rotate(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('id', IdParam) id: string, @Body() body: RotateApiKeyDto, @Query() query: DryRunQuery): Promise<void> {
    await this.authorizedKey(request, principal, id);
    const token = generateApiKeyToken(randomBytes);
    const outcome = await this.runner.run(reply, new ExecuteApiKeyCommand(principal.organization_id, id, {
      type: 'RotateApiKey',
      data: { key_id: id, new_token_prefix: token.token_prefix, new_secret_hash: token.secret_hash, grace_seconds: body.grace_seconds },
      context: commandContext(request, principal.organization_id),
    }, { dryRun: isDryRun(query) }));
    if (!outcome) return;
    const rotated = outcome.events[0] as ApiKeyRotated;
    // A command replayed after a lost answer carries the first rotation's credential, whose token is gone: null.
    const fresh = rotated.data.token_prefix === token.token_prefix;
    if (fresh) showOnce(request, { id, token: token.token, previous_token_valid_until: rotated.data.previous_valid_until });
    respond(reply, 200, {
      ...(await this.read(principal.organization_id, id)), token: fresh ? token.token : null,
      previous_token_valid_until: rotated.data.previous_valid_until,
    });
  }

  /** The key, when it is the caller's own or the caller holds `api_keys.manage`; unknown keys are 404 either way. */
  private async authorizedKey(request: AuthenticatedRequest, principal: OrganizationPrincipal, id: string): Promise<ApiKeyRow> {
    const row = await this.queries.apiKey(principal.organization_id, id);
    if (!row || row.principal_id !== principal.id) await this.authorizer.require(request, principal, 'api_keys.manage', {});
    if (!row) throw notFoundProblem(`api key ${id}`);
    // Managing another principal's key never grants more than the caller holds (an admin never acts on an owner's keys).
    if (row.principal_id !== principal.id) await this.authorizer.requireMayActOn(request, principal, row.principal_id);
    return row;
  }

  private async read(organizationId: string, id: string) {
    const row = await this.queries.apiKey(organizationId, id);
    if (!row) throw notFoundProblem(`api key ${id}`);
    return apiKeyRepresentation(row);
  }
}

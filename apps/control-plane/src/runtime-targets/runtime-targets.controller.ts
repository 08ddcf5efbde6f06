import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { Consistency } from '../http/consistency';
import { decodeCursor, page, pageLimit, PageQuery } from '../http/pagination';
import { notFoundProblem } from '../http/problem';
import { RegisterRuntimeTargetDto } from './runtime-target.dto';
import { RuntimeTargetQueries } from './runtime-target.queries';
import { runtimeTargetRepresentation } from './runtime-target.representation';
import { RuntimeTargetRegistration } from './runtime-target-registration';

/** The organization's runtime-target inventory: its own targets, plus the platform's hosted ones it may assign. */
@ApiTags('runtime targets')
@ApiBearerAuth()
@Controller('api/v1/runtime-targets')
export class RuntimeTargetsController {
  constructor(
    private readonly registration: RuntimeTargetRegistration,
    private readonly queries: RuntimeTargetQueries,
    private readonly consistency: Consistency,
    private readonly authorizer: Authorizer,
  ) {}

  @Post()
  @HttpCode(201)
  async register(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Body() body: RegisterRuntimeTargetDto) {
    await this.authorizer.require(request, principal, 'runtime_targets.manage', {});
    return this.registration.register(request, reply, principal.organization_id, body);
  }

  @Get()
  async list(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: PageQuery) {
    await this.consistency.beforeQuery(request);
    await this.authorizer.require(request, principal, 'runtime_targets.read', {});
    const limit = pageLimit(query);
    const rows = await this.queries.page(principal.organization_id, decodeCursor(query.cursor, 1)?.[0], limit + 1);
    const result = page(rows, limit, (row) => [row.id]);
    return { runtime_targets: result.items.map(runtimeTargetRepresentation), next_cursor: result.next_cursor };
  }

  @Get(':id')
  async get(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Param('id') id: string) {
    await this.consistency.beforeQuery(request);
    await this.authorizer.require(request, principal, 'runtime_targets.read', {});
    const row = await this.queries.visible(principal.organization_id, id);
    if (!row) throw notFoundProblem(`runtime target ${id.slice(0, 80)}`);
    return runtimeTargetRepresentation(row);
  }
}

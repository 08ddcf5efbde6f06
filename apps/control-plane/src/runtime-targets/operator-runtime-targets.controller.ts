import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { OperatorOnly } from '../auth/decorators';
import { AuthenticatedRequest } from '../auth/principal';
import { Consistency } from '../http/consistency';
import { decodeCursor, page, pageLimit, PageQuery } from '../http/pagination';
import { notFoundProblem } from '../http/problem';
import { RegisterRuntimeTargetDto } from './runtime-target.dto';
import { RuntimeTargetQueries } from './runtime-target.queries';
import { runtimeTargetRepresentation } from './runtime-target.representation';
import { RuntimeTargetRegistration } from './runtime-target-registration';

/**
 * Hosted (platform-owned) runtime targets. Every organization may assign them; their credential and
 * ingest token belong to the platform operator.
 */
@ApiTags('operator')
@ApiBearerAuth()
@OperatorOnly()
@Controller('api/v1/operator/runtime-targets')
export class OperatorRuntimeTargetsController {
  constructor(
    private readonly registration: RuntimeTargetRegistration,
    private readonly queries: RuntimeTargetQueries,
    private readonly consistency: Consistency,
  ) {}

  @Post()
  @HttpCode(201)
  register(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: RegisterRuntimeTargetDto) {
    return this.registration.register(request, reply, null, body);
  }

  @Get()
  async list(@Req() request: AuthenticatedRequest, @Query() query: PageQuery) {
    await this.consistency.beforeQuery(request);
    const limit = pageLimit(query);
    const rows = await this.queries.page(null, decodeCursor(query.cursor, 1)?.[0], limit + 1);
    const result = page(rows, limit, (row) => [row.id]);
    return { runtime_targets: result.items.map(runtimeTargetRepresentation), next_cursor: result.next_cursor };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const row = await this.queries.visible(null, id);
    if (!row || row.organization_id !== null) throw notFoundProblem(`runtime target ${id.slice(0, 80)}`);
    return runtimeTargetRepresentation(row);
  }
}

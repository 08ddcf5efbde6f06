import { Controller, Get, Header, Inject, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { formatPosition, parsePosition } from '../../../../libs/event-store/src';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { Consistency } from '../http/consistency';
import { decodeCursor, encodeCursor, PageQuery } from '../http/pagination';
import { badRequest } from '../http/problem';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { auditEntryRepresentation, AuditLogQueries } from './audit-log.queries';

export class AuditLogQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) actor?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(63) namespace?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) action?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) since?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) until?: string;
}

export class EventsQuery {
  @ApiPropertyOptional({ description: 'exclusive: events after this position (`<commit>.<prepare>`)' })
  @IsOptional() @IsString() @MaxLength(41) from_position?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) @Matches(/^[\w.:-]+$/) stream?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, default: 1000 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000) limit?: number;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1')
export class AuditController {
  constructor(
    private readonly queries: AuditLogQueries,
    private readonly authorizer: Authorizer,
    private readonly consistency: Consistency,
    @Inject(PLATFORM) private readonly platform: Platform,
  ) {}

  @Get('audit-log')
  async list(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: AuditLogQuery) {
    await this.authorizer.require(request, principal, 'audit_log.read', {});
    await this.consistency.beforeQuery(request);
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, 2) as [string, string] | undefined;
    const rows = await this.queries.entries(principal.organization_id, { ...query, after, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      entries: items.map(auditEntryRepresentation),
      next_cursor: rows.length > limit ? encodeCursor([String(last.commit_position), String(last.prepare_position)]) : null,
    };
  }

  @Get('audit-log/verify')
  async verify(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal) {
    await this.authorizer.require(request, principal, 'audit_log.read', {});
    return this.queries.verify(principal.organization_id);
  }

  /** The organization's raw events in global order, one JSON object a line, for replay by auditors. */
  @Get('events')
  @ApiProduces('application/x-ndjson')
  @Header('content-type', 'application/x-ndjson; charset=utf-8')
  async events(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: EventsQuery) {
    await this.authorizer.require(request, principal, 'audit_log.read', {});
    const from = query.from_position === undefined ? undefined : parsePosition(query.from_position);
    if (from === null) throw badRequest('from_position must be a position such as 1234.56', 'from_position');
    const events = query.stream
      ? (await this.platform.store.readStream(query.stream)).filter((e) => e.metadata.organization_id === principal.organization_id)
      : await this.platform.store.readAll({ from, organizationId: principal.organization_id, limit: query.limit ?? 1000 });
    return events.map((e) => JSON.stringify({
      id: e.id, position: formatPosition(e.position), stream: e.streamId, revision: e.revision.toString(),
      type: e.type, data: e.data, metadata: e.metadata,
    }) + '\n').join('');
  }
}

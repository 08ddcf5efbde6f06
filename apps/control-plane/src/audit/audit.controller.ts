import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { ApiBearerAuth, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { formatPosition, parsePosition } from '../../../../libs/event-store/src';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { Consistency } from '../http/consistency';
import { commandContext } from '../http/command-context';
import { decodeCursor, encodeCursor, PageQuery } from '../http/pagination';
import { badRequest, ProblemException } from '../http/problem';
import { AuditExport } from './audit-export';
import { auditEntryRepresentation, AuditLogQueries, checkpointRepresentation } from './audit-log.queries';
import { AuditSigner } from './audit-signer';
import { EventReplay } from './event-replay';

export class AuditLogQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) actor?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(63) namespace?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) action?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) since?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) until?: string;
}

export class VerifyQuery {
  @ApiPropertyOptional({ description: 'true: re-check the whole chain from its genesis instead of from the last signed checkpoint' })
  @IsOptional() @IsIn(['true', 'false']) full?: 'true' | 'false';
}

export class ExportQuery {
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) since?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) until?: string;
}

export class EventsQuery {
  @ApiPropertyOptional({ description: 'exclusive: events after this position (`<commit>.<prepare>`)' })
  @IsOptional() @IsString() @MaxLength(41) from_position?: string;

  @ApiPropertyOptional({ description: 'only this stream (read alone, page by page)' })
  @IsOptional() @IsString() @MaxLength(300) @Matches(/^[\w.:-]+$/) stream?: string;

  @ApiPropertyOptional({ description: 'comma-separated event types' })
  @IsOptional() @IsString() @MaxLength(2000) @Matches(/^[A-Za-z][\w.:-]{0,127}(,[A-Za-z][\w.:-]{0,127}){0,49}$/) types?: string;

  @ApiPropertyOptional({ minimum: 1, description: 'at most this many events; absent: up to the head' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000_000) limit?: number;
}

const NDJSON = 'application/x-ndjson; charset=utf-8';

/** A Readable with a one-chunk buffer: the next page is read only when the socket took the last one. */
const ndjsonBody = (lines: AsyncIterable<string>) => Readable.from(lines, { objectMode: false, highWaterMark: 1 });

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1')
export class AuditController {
  constructor(
    private readonly queries: AuditLogQueries,
    private readonly authorizer: Authorizer,
    private readonly consistency: Consistency,
    private readonly signer: AuditSigner,
    private readonly exporter: AuditExport,
    private readonly replay: EventReplay,
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
    const links = await this.queries.commandLinks(principal.organization_id, items);
    return {
      entries: items.map((row) => {
        const link = links.get(row.resource);
        return { ...auditEntryRepresentation(row), ...(link ? { command: link } : {}) };
      }),
      next_cursor: rows.length > limit ? encodeCursor([String(last.commit_position), String(last.prepare_position)]) : null,
    };
  }

  @Get('audit-log/verify')
  async verify(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: VerifyQuery) {
    await this.authorizer.require(request, principal, 'audit_log.read', {});
    await this.consistency.beforeQuery(request);
    return this.queries.verify(principal.organization_id, { full: query.full === 'true' });
  }

  /** Signs the organization's chain head now (Ed25519); the checkpoint is itself an audited event. */
  @Post('audit-log/checkpoints')
  @HttpCode(201)
  async sign(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal) {
    await this.authorizer.require(request, principal, 'audit_log.read', {});
    await this.consistency.beforeQuery(request);
    const signed = await this.signer.signHead(principal.organization_id, commandContext(request, principal.organization_id));
    if (!signed) throw new ProblemException(409, 'audit-chain-empty', 'Conflict', 'the organization\'s audit chain has no entry to sign yet');
    await this.consistency.afterCommand(reply, signed.position);
    return { checkpoint: signed.checkpoint };
  }

  @Get('audit-log/checkpoints')
  async checkpoints(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: PageQuery) {
    await this.authorizer.require(request, principal, 'audit_log.read', {});
    await this.consistency.beforeQuery(request);
    const limit = query.limit ?? 50;
    const before = decodeCursor(query.cursor, 2) as [string, string] | undefined;
    const rows = await this.queries.checkpoints(principal.organization_id, { before, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      checkpoints: items.map(checkpointRepresentation),
      next_cursor: rows.length > limit ? encodeCursor([String(last.commit_position), String(last.prepare_position)]) : null,
    };
  }

  @Get('audit-log/public-keys')
  async publicKeys(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal) {
    await this.authorizer.require(request, principal, 'audit_log.read', {});
    await this.signer.ensureRegistered();
    await this.consistency.beforeQuery(request);
    const keys = await this.queries.publicKeys();
    return {
      keys: keys.map((k) => ({
        key_id: k.key_id, algorithm: 'Ed25519', public_key_pem: k.public_key_pem,
        created_at: new Date(k.created_at).toISOString(), retired_at: k.retired_at === null ? null : new Date(k.retired_at).toISOString(),
      })),
    };
  }

  /** NDJSON download of the entries of [since, until) with the checkpoints that cover them; verifiable offline. */
  @Get('audit-log/export')
  @ApiProduces('application/x-ndjson')
  async export(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: ExportQuery) {
    await this.authorizer.require(request, principal, 'audit_log.read', {});
    if (query.since && query.until && Date.parse(query.since) >= Date.parse(query.until)) throw badRequest('since must be before until', 'since');
    await this.consistency.beforeQuery(request);
    const lines = await this.exporter.open(principal.organization_id, query, commandContext(request, principal.organization_id));
    const name = `audit-${principal.organization_id}-${fileStamp(query.since) ?? 'start'}-${fileStamp(query.until) ?? 'now'}.ndjson`;
    void reply.header('content-type', NDJSON).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'private, no-store');
    return reply.send(ndjsonBody(lines));
  }

  /** The organization's raw events in global order, one JSON object a line, streamed with back-pressure. */
  @Get('events')
  @ApiProduces('application/x-ndjson')
  async events(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: EventsQuery) {
    await this.authorizer.require(request, principal, 'audit_log.read', {});
    const from = query.from_position === undefined ? undefined : parsePosition(query.from_position);
    if (from === null) throw badRequest('from_position must be a position such as 1234.56', 'from_position');
    const head = await this.replay.head();
    const lines = await this.replay.open({
      organizationId: principal.organization_id, from, stream: query.stream, types: query.types?.split(','), limit: query.limit,
    });
    void reply.header('content-type', NDJSON).header('cache-control', 'private, no-store').header(HEAD_POSITION_HEADER, formatPosition(head));
    return reply.send(ndjsonBody(lines));
  }
}

/** The log head when a replay started, so a client can show progress (`prepare` grows with the log). */
export const HEAD_POSITION_HEADER = 'x-dwc-head-position';

const fileStamp = (instant: string | undefined) => (instant ? new Date(instant).toISOString().replace(/[:.]/g, '-') : undefined);

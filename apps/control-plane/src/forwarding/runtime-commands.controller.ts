import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Selectable, sql } from 'kysely';
import { RuntimeCommandsTable } from '../../../../projections/runtime-commands/runtime-commands.projector';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { ControlPlaneConfig } from '../config/config';
import { Consistency } from '../http/consistency';
import { NameParam } from '../http/name-param.pipe';
import { decodeCursor, page, pageLimit } from '../http/pagination';
import { badRequest } from '../http/problem';
import { NamespaceAccess } from '../placement/namespace-access';
import { Platform } from '../platform/platform';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { RuntimeCommandsQuery } from './runtime-commands.dto';

const LISTED = ['audit_id', 'occurred_at', 'actor', 'capability', 'resource', 'auth_outcome', 'request_fingerprint', 'runtime_target_id',
  'runtime_status', 'runtime_outcome', 'duration_ms', 'commit_position', 'prepare_position'] as const;

/** The read model's row (its projector's table type), restricted to the listed columns. */
type Row = Pick<Selectable<RuntimeCommandsTable>, (typeof LISTED)[number]>;

/** Exactly the fields of the contract, in its order. */
const representation = (row: Row) => ({
  audit_id: row.audit_id,
  occurred_at: new Date(row.occurred_at).toISOString(),
  actor: JSON.parse(row.actor) as unknown,
  capability: row.capability,
  resource: JSON.parse(row.resource) as unknown,
  auth_outcome: row.auth_outcome,
  request_fingerprint: row.request_fingerprint,
  runtime_target_id: row.runtime_target_id,
  runtime_status: row.runtime_status,
  runtime_outcome: row.runtime_outcome,
  duration_ms: Number(row.duration_ms),
});

/** The command facts recorded for a namespace, newest first. */
@ApiTags('runtime commands')
@ApiBearerAuth()
@Controller('api/v1/namespaces/:namespace/runtime-commands')
export class RuntimeCommandsController {
  constructor(
    private readonly access: NamespaceAccess,
    private readonly consistency: Consistency,
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
  ) {}

  @Get()
  async list(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string, @Query() query: RuntimeCommandsQuery) {
    await this.consistency.beforeQuery(request);
    await this.access.require(request, principal, namespace, 'namespace.read');
    // Forwarding answers without waiting for projections; a read waits (bounded) for what was written before it.
    await this.platform.runner.waitFor(await this.platform.store.lastCommittedPosition(), this.config.consistencyWaitMs);
    const limit = pageLimit(query);
    const cursor = decodeCursor(query.cursor, 2);
    if (cursor && !cursor.every((part) => /^\d{1,19}$/.test(part))) throw badRequest('cursor is not a cursor returned by this API', 'cursor');
    let select = this.platform.storage.db.selectFrom('runtime_commands')
      .select(LISTED)
      .where('organization_id', '=', principal.organization_id).where('namespace', '=', namespace);
    if (query.capability !== undefined) select = select.where('capability', '=', query.capability);
    if (query.auth_outcome !== undefined) select = select.where('auth_outcome', '=', query.auth_outcome);
    if (query.since !== undefined) select = select.where('occurred_at', '>=', new Date(query.since));
    if (query.until !== undefined) select = select.where('occurred_at', '<', new Date(query.until));
    if (cursor) select = select.where(sql<boolean>`(commit_position, prepare_position) < (${cursor[0]}::bigint, ${cursor[1]}::bigint)`);
    const rows = await select.orderBy('commit_position', 'desc').orderBy('prepare_position', 'desc').limit(limit + 1).execute();
    const result = page(rows, limit, (row) => [String(row.commit_position), String(row.prepare_position)]);
    return { runtime_commands: result.items.map(representation), next_cursor: result.next_cursor };
  }
}

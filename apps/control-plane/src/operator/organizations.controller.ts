import { Body, Controller, Get, HttpCode, Inject, Param, Put, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Selectable } from 'kysely';
import { OrganizationsTable } from '../../../../projections/organizations/organizations.projector';
import { OrganizationState } from '../../../../libs/domain/tenancy/organization/decider';
import { HandledCommand } from '../../../../libs/event-store/src';
import { ExecuteOrganizationCommand } from '../tenancy/tenancy.commands';
import { OperatorOnly } from '../auth/decorators';
import { AuthenticatedRequest } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency } from '../http/consistency';
import { decodeCursor, page, pageLimit, PageQuery } from '../http/pagination';
import { notFoundProblem } from '../http/problem';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { BootstrapOrganization, BootstrappedOrganization } from './bootstrap-organization';
import { BillingRestrictionDto, CreateOrganizationDto } from './dto/operator.dto';

const ORGANIZATION_ID = /^org_[0-9a-z]{26}$/;

const representation = (row: Selectable<OrganizationsTable>) => ({
  id: row.id, name: row.name, created_at: new Date(row.created_at).toISOString(),
  billing_restriction: { restricted: row.billing_restricted, reason: row.restriction_reason },
});

@ApiTags('operator')
@ApiBearerAuth()
@OperatorOnly()
@Controller('api/v1/operator/organizations')
export class OrganizationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly consistency: Consistency,
    @Inject(PLATFORM) private readonly platform: Platform,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: CreateOrganizationDto) {
    const result: BootstrappedOrganization = await this.commands.execute(
      new BootstrapOrganization(body.name, body.owner_email, commandContext(request, null), request.idempotency !== undefined));
    await this.consistency.afterCommand(reply, result.position);
    void reply.header('location', `/api/v1/operator/organizations/${result.organization.id}`);
    return { organization: result.organization, owner: result.owner, api_key: result.api_key };
  }

  @Get()
  async list(@Req() request: AuthenticatedRequest, @Query() query: PageQuery) {
    await this.consistency.beforeQuery(request);
    const limit = pageLimit(query);
    const after = decodeCursor(query.cursor, 1)?.[0];
    let select = this.platform.storage.db.selectFrom('organizations').selectAll();
    if (after !== undefined) select = select.where('id', '>', after);
    const rows = await select.orderBy('id').limit(limit + 1).execute();
    const result = page(rows, limit, (row) => [row.id]);
    return { organizations: result.items.map(representation), next_cursor: result.next_cursor };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return representation(await this.read(id));
  }

  @Put(':id/billing-restriction')
  async restrict(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string, @Body() body: BillingRestrictionDto) {
    await this.read(id);
    const result: HandledCommand<OrganizationState, unknown> = await this.commands.execute(new ExecuteOrganizationCommand(id,
      { type: 'SetBillingRestriction', data: { restricted: body.restricted, reason: body.reason }, context: commandContext(request, id) }));
    await this.consistency.afterCommand(reply, result.position, result.revision);
    return representation(await this.read(id));
  }

  private async read(id: string) {
    const row = ORGANIZATION_ID.test(id)
      ? await this.platform.storage.db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined;
    if (!row) throw notFoundProblem(`organization ${id}`);
    return row;
  }
}

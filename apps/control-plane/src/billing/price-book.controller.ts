import { Body, Controller, Get, Inject, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { DEFAULT_PRICE_BOOK } from '../../../../libs/domain/usage';
import { PriceBookState } from '../../../../libs/domain/usage/price-book/decider';
import { HandledCommand } from '../../../../libs/event-store/src';
import { OperatorOnly } from '../auth/decorators';
import { AuthenticatedRequest } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency, etagFor } from '../http/consistency';
import { notFoundProblem } from '../http/problem';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { ExecutePriceBookCommand } from './billing.commands';
import { SetPriceBookDto } from './dto/billing.dto';

const ORGANIZATION_ID = /^org_[0-9a-z]{26}$/;

/** An organization's price book, set by the platform operator; unset, the default (2 cents per billable action) applies. */
@ApiTags('operator')
@ApiBearerAuth()
@OperatorOnly()
@Controller('api/v1/operator/organizations/:id/price-book')
export class PriceBookController {
  constructor(
    private readonly consistency: Consistency,
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly commands: CommandBus,
  ) {}

  @Put()
  async set(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string, @Body() body: SetPriceBookDto) {
    await this.requireOrganization(id);
    const result: HandledCommand<PriceBookState, unknown> = await this.commands.execute(new ExecutePriceBookCommand(id, {
      type: 'SetPriceBook',
      data: { organization_id: id, billable_action: { cents: body.billable_action.cents, per_units: body.billable_action.per_units } },
      context: commandContext(request, id),
    }));
    await this.consistency.afterCommand(reply, result.position, result.revision);
    return this.read(id);
  }

  @Get()
  async get(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id') id: string) {
    await this.consistency.beforeQuery(request);
    await this.requireOrganization(id);
    const representation = await this.read(id);
    if (representation.resource_version !== null) void reply.header('etag', etagFor(representation.resource_version));
    return representation;
  }

  private async read(id: string) {
    const row = await this.platform.storage.db.selectFrom('price_books').selectAll().where('organization_id', '=', id).executeTakeFirst();
    if (!row) {
      const price = DEFAULT_PRICE_BOOK.billable_action;
      return {
        organization_id: id, source: 'default' as const,
        billable_action: { cents: price.cents.toString(), per_units: price.per_units.toString() },
        set_at: null, resource_version: null,
      };
    }
    return {
      organization_id: id, source: 'configured' as const,
      billable_action: { cents: row.billable_action_cents, per_units: row.billable_action_per_units },
      set_at: new Date(row.set_at).toISOString(), resource_version: String(row.stream_revision),
    };
  }

  private async requireOrganization(id: string): Promise<void> {
    const row = ORGANIZATION_ID.test(id)
      ? await this.platform.storage.db.selectFrom('organizations').select('id').where('id', '=', id).executeTakeFirst()
      : undefined;
    if (!row) throw notFoundProblem(`organization ${id}`);
  }
}

import { clockOf } from '../http/clock';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { DomainError } from '../../../../libs/domain/shared/errors';
import { BillingPeriod, billingFileName, billingUsageCsv, BillingUsageV1, resolveBillingPeriod } from '../../../../libs/domain/usage';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { Consistency } from '../http/consistency';
import { badRequest } from '../http/problem';
import { BillingUsageQueries } from './billing-usage.queries';
import { BillingUsageQuery } from './dto/billing.dto';

/**
 * Organization billing usage: the v1 document, its CSV export and its JSON report. The organization is the API
 * key's, never a parameter. Billing restrictions do not apply here: finance must be able to read while restricted.
 */
@ApiTags('billing')
@ApiBearerAuth()
@Controller('api/v1/billing/usage')
export class BillingController {
  constructor(
    private readonly queries: BillingUsageQueries,
    private readonly authorizer: Authorizer,
    private readonly consistency: Consistency,
  ) {}

  @Get()
  async usage(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: BillingUsageQuery): Promise<BillingUsageV1> {
    const { document } = await this.read(request, principal, query);
    void reply.header('cache-control', 'private, no-store');
    return document;
  }

  @Get('export')
  @ApiProduces('text/csv')
  async export(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: BillingUsageQuery): Promise<string> {
    const { document, period } = await this.read(request, principal, query);
    download(reply, 'text/csv; charset=utf-8', billingFileName('csv', period));
    return billingUsageCsv(document);
  }

  @Get('report')
  @ApiProduces('application/json')
  async report(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: BillingUsageQuery): Promise<string> {
    const { document, period } = await this.read(request, principal, query);
    download(reply, 'application/json; charset=utf-8', billingFileName('json', period));
    return `${JSON.stringify(document, null, 2)}\n`;
  }

  private async read(request: AuthenticatedRequest, principal: OrganizationPrincipal, query: BillingUsageQuery)
    : Promise<{ document: BillingUsageV1; period: BillingPeriod }> {
    await this.authorizer.require(request, principal, 'billing.read', {});
    const period = periodOf(query, clockOf(request)());
    await this.consistency.beforeQuery(request);
    return { document: await this.queries.document(principal.organization_id, period), period };
  }
}

/** The requested period; a malformed, reversed or too long one is a 400 naming the parameter. */
function periodOf(query: BillingUsageQuery, now: Date): BillingPeriod {
  try {
    return resolveBillingPeriod(query, now);
  } catch (error) {
    if (error instanceof DomainError) throw badRequest(error.message, error.field);
    throw error;
  }
}

function download(reply: FastifyReply, contentType: string, fileName: string): void {
  void reply.header('content-type', contentType)
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'private, no-store');
}

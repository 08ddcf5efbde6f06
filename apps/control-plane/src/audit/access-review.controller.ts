import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { namespaceReview, principalReview } from '../../../../libs/auth/src/access-review';
import { Authorizer } from '../auth/authorizer';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { badRequest, notFoundProblem } from '../http/problem';
import { AccessReviewQueries } from './access-review.queries';

export class AccessReviewQuery {
  @ApiPropertyOptional({ description: 'who held which role on this namespace' })
  @IsOptional() @IsString() @MaxLength(63) namespace?: string;

  @ApiPropertyOptional({ description: 'what this principal (user or service account id) could do' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/) principal?: string;

  @ApiPropertyOptional({ description: 'the instant (RFC 3339); default now' })
  @IsOptional() @IsISO8601({ strict: true }) as_of?: string;
}

/**
 * Access review as of any instant, computed by replaying the organization's identity events up to
 * it (not from the current read models), answering with the positions of the events it used.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1')
export class AccessReviewController {
  constructor(
    private readonly reviews: AccessReviewQueries,
    private readonly authorizer: Authorizer,
  ) {}

  @Get('access-review')
  async review(@Req() request: AuthenticatedRequest, @CurrentPrincipal() principal: OrganizationPrincipal, @Query() query: AccessReviewQuery) {
    await this.authorizer.require(request, principal, 'audit_log.read', {});
    if ((query.namespace === undefined) === (query.principal === undefined)) throw badRequest('give exactly one of namespace and principal', 'namespace');
    const asOf = new Date(query.as_of ?? Date.now()).toISOString();
    const state = await this.reviews.stateAt(principal.organization_id, asOf);
    const replayed = { events: state.events, through_position: state.through };
    if (query.namespace !== undefined) {
      const review = namespaceReview(state, query.namespace, asOf);
      if (!review) throw notFoundProblem(`namespace ${query.namespace} at ${asOf}`);
      return { as_of: asOf, replayed, ...review };
    }
    const review = principalReview(state, query.principal!, asOf);
    if (!review) throw notFoundProblem(`principal ${query.principal} at ${asOf}`);
    return { as_of: asOf, replayed, ...review };
  }
}

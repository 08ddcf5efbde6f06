import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ProblemException } from '../http/problem';
import { AuthenticatedRequest, OrganizationPrincipal } from './principal';

export type RouteAudience = 'public' | 'operator' | 'organization' | 'ingest';
export const AUDIENCE_KEY = 'dwc:audience';

/** Who may call a route; organization API keys unless a route says otherwise. */
export const Public = () => SetMetadata(AUDIENCE_KEY, 'public' satisfies RouteAudience);
export const OperatorOnly = () => SetMetadata(AUDIENCE_KEY, 'operator' satisfies RouteAudience);
export const IngestTokenOnly = () => SetMetadata(AUDIENCE_KEY, 'ingest' satisfies RouteAudience);

/** The organization principal the guard resolved for this request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): OrganizationPrincipal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal || principal.kind === 'operator') {
    throw new ProblemException(401, 'unauthorized', 'Unauthorized', 'an organization API key is required');
  }
  return principal;
});

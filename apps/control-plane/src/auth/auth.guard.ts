import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual, createHash } from 'node:crypto';
import { ControlPlaneConfig } from '../config/config';
import { clockOf } from '../http/clock';
import { ProblemException } from '../http/problem';
import { CONFIG } from '../platform/platform.tokens';
import { AccessDenials } from './access-denials';
import { bearerOf } from './bearer';
import { rememberBindings } from './authorizer';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { AUDIENCE_KEY, RouteAudience } from './decorators';
import { FailedAuthThrottle } from './failed-auth-throttle';
import { AuthenticatedRequest } from './principal';

/** Equal-length digests so the comparison time says nothing about the operator token. */
const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * Every route is closed unless it says otherwise: organization routes need a `dwc_` key, operator
 * routes the operator token. Each refusal is audited, and clients that keep failing are throttled
 * (their failures answer 429; a valid credential is never refused).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly denials: AccessDenials,
    private readonly throttle: FailedAuthThrottle,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const audience = this.reflector.getAllAndOverride<RouteAudience>(AUDIENCE_KEY, [context.getHandler(), context.getClass()]) ?? 'organization';
    if (audience === 'public' || audience === 'ingest') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerOf(request);
    if (audience === 'operator') {
      if (token !== undefined && sameSecret(token, this.config.operatorToken)) {
        request.principal = { kind: 'operator' };
        return true;
      }
      return this.refuse(request, { organization_id: null, principal_id: null, key_prefix: null, reason: token ? 'invalid_operator_token' : 'missing_credentials' });
    }
    if (token === undefined) {
      return this.refuse(request, { organization_id: null, principal_id: null, key_prefix: null, reason: 'missing_credentials' });
    }
    const authentication = await this.authenticator.authenticate(token, clockOf(request)());
    if (!authentication.ok) return this.refuse(request, authentication);
    request.principal = authentication.principal;
    rememberBindings(request, authentication.bindings);
    return true;
  }

  private async refuse(request: AuthenticatedRequest, denial: { organization_id: string | null; principal_id: string | null; key_prefix: string | null; reason: string }): Promise<never> {
    // The credential was checked first: only a failure is counted, and only failures are throttled.
    const retryAfter = this.throttle.recordFailure(request.ip);
    await this.denials.record(request, { ...denial, status: retryAfter > 0 ? 429 : 401 });
    if (retryAfter > 0) {
      throw new ProblemException(429, 'too-many-failed-authentications', 'Too Many Requests',
        `too many failed authentications from this client; retry after ${retryAfter} s`, { retry_after_seconds: retryAfter });
    }
    throw new ProblemException(401, 'unauthorized', 'Unauthorized', detailFor(denial.reason), { reason: denial.reason });
  }
}

const detailFor = (reason: string) => {
  switch (reason) {
    case 'missing_credentials': return 'send Authorization: Bearer <token>';
    case 'expired': return 'the API key has expired';
    case 'revoked': return 'the API key was revoked';
    case 'disabled': return 'the API key is disabled';
    case 'rotated': return 'the API key was rotated and its grace period has ended';
    default: return 'the credentials are not valid';
  }
};

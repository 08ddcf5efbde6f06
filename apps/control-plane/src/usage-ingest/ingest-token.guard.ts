import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { AccessDenials } from '../auth/access-denials';
import { bearerOf } from '../auth/bearer';
import { FailedAuthThrottle } from '../auth/failed-auth-throttle';
import { AuthenticatedRequest } from '../auth/principal';
import { ProblemException } from '../http/problem';
import { RuntimeTargetQueries, RuntimeTargetRow } from '../runtime-targets/runtime-target.queries';
import { INGEST_TOKEN_PATTERN, sameHash, sha256Hex } from '../runtime-targets/secret-tokens';

const authenticated = new WeakMap<object, RuntimeTargetRow>();

/**
 * Authenticates a runtime target by its ingest token (`Bearer dwi_…`) on routes marked
 * `@IngestTokenOnly()`; an API key or the operator token is not accepted there. Refusals are 401,
 * throttled and recorded like every other denial.
 */
@Injectable()
export class IngestTokenGuard implements CanActivate {
  constructor(
    private readonly targets: RuntimeTargetQueries,
    private readonly denials: AccessDenials,
    private readonly throttle: FailedAuthThrottle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerOf(request);
    const wellFormed = token !== undefined && INGEST_TOKEN_PATTERN.test(token);
    const hash = wellFormed ? sha256Hex(token) : null;
    const target = hash ? await this.targets.byIngestTokenHash(hash) : undefined;
    if (!target || !hash || !sameHash(hash, target.ingest_token_hash)) {
      // Checked first, counted and throttled only on failure: a valid ingest token is never refused.
      const retryAfter = this.throttle.recordFailure(request.ip);
      const reason = token === undefined ? 'missing_credentials' : wellFormed ? 'unknown_ingest_token' : 'not_an_ingest_token';
      await this.denials.record(request, { organization_id: null, principal_id: null, key_prefix: wellFormed ? token.slice(0, 16) : null, status: retryAfter > 0 ? 429 : 401, reason });
      if (retryAfter > 0) {
        throw new ProblemException(429, 'too-many-failed-authentications', 'Too Many Requests',
          `too many failed authentications from this client; retry after ${retryAfter} s`, { retry_after_seconds: retryAfter });
      }
      throw new ProblemException(401, 'unauthorized', 'Unauthorized', 'send Authorization: Bearer <the runtime target\'s dwi_ ingest token>', { reason });
    }
    // Records are idempotent by record_id; an Idempotency-Key would share one cache scope across targets, so it is ignored.
    delete request.headers['idempotency-key'];
    authenticated.set(request, target);
    return true;
  }
}

/** The runtime target the ingest token belongs to. */
export const IngestingTarget = createParamDecorator((_: unknown, context: ExecutionContext): RuntimeTargetRow => {
  const target = authenticated.get(context.switchToHttp().getRequest());
  if (!target) throw new ProblemException(401, 'unauthorized', 'Unauthorized', 'an ingest token is required');
  return target;
});

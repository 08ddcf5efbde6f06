import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { from, Observable, switchMap } from 'rxjs';
import { AuthenticatedRequest } from '../../auth/principal';
import { canonicalJson } from '../canonical-json';
import { ProblemException } from '../problem';
import { IdempotencyStore } from './idempotency-store';
import { IdempotentReplay } from './idempotent-replay';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Keys belong to the principal that used them: another principal reusing a key and body runs its
 * own request, under its own authorization, and never receives the first one's answer.
 */
export const idempotencyScope = (request: AuthenticatedRequest) =>
  request.principal?.kind === 'operator' ? 'operator'
    : request.principal ? `principal:${request.principal.organization_id}:${request.principal.id}` : 'anonymous';

export const requestFingerprint = (request: AuthenticatedRequest) =>
  createHash('sha256').update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`).digest('hex');

/**
 * `Idempotency-Key` on a mutating request: the first request with a key reserves it; a retry with the
 * same body gets the stored answer and appends nothing; the same key with another body is 422.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly records: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (!MUTATING.has(request.method) || key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new ProblemException(400, 'invalid-idempotency-key', 'Bad Request', 'Idempotency-Key must be 1-255 visible ASCII characters', { field: 'Idempotency-Key' });
    }
    const scope = idempotencyScope(request);
    return from(this.records.reserve(scope, key, requestFingerprint(request))).pipe(switchMap((reservation) => {
      switch (reservation.outcome) {
        case 'reserved':
          request.idempotency = { scope, key };
          return next.handle();
        case 'completed':
          throw new IdempotentReplay(reservation.response);
        case 'mismatch':
          throw new ProblemException(422, 'idempotency-key-reused', 'Unprocessable Content',
            'this Idempotency-Key was used with a different request; use a new key for a new request', { field: 'Idempotency-Key' });
        case 'in_progress':
          throw new ProblemException(409, 'idempotency-key-in-progress', 'Conflict',
            'a request with this Idempotency-Key is still being processed; retry shortly');
      }
    }));
  }
}

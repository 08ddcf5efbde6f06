import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, DomainErrorCode } from '../../../../libs/domain/shared/errors';
import { WrongExpectedRevisionError } from '../../../../libs/event-store/src';
import { IdempotentReplay } from './idempotency/idempotent-replay';
import { PROBLEM_BASE, ProblemDetails, ProblemException } from './problem';
import { acceptedAnswer, laggingPosition } from './lagging-read-model';
import { isStorageUnavailable, STORAGE_RETRY_AFTER_SECONDS } from './storage-unavailable';

const DOMAIN_STATUS: Record<DomainErrorCode, [number, string, string]> = {
  not_found: [404, 'not-found', 'Not Found'],
  already_exists: [409, 'already-exists', 'Conflict'],
  conflict: [409, 'conflict', 'Conflict'],
  invalid: [422, 'validation-failed', 'Unprocessable Content'],
  forbidden: [403, 'forbidden', 'Forbidden'],
  billing_restricted: [403, 'billing-restricted', 'Billing Restricted'],
  precondition_failed: [412, 'precondition-failed', 'Precondition Failed'],
};

/** Fastify's own refusals (body parsing, limits) carry a statusCode and a code. */
interface FastifyError { readonly statusCode?: number; readonly code?: string; readonly message?: string }

/** Everything that goes wrong leaves as application/problem+json; a 500 is logged as the bug it is. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (exception instanceof IdempotentReplay) {
      exception.send(reply);
      return;
    }
    const problem = this.toProblem(exception, request);
    const lagging = laggingPosition(request);
    if (lagging !== undefined && problem.status === 404) {
      // Committed, not yet projected: never a 404 for what this very request wrote.
      const location = reply.getHeader('location');
      void reply.status(202).header('x-dwc-position', lagging).header('content-type', 'application/json')
        .send({ ...(typeof location === 'string' ? { location } : {}), ...acceptedAnswer(request, lagging) });
      return;
    }
    if (typeof problem.retry_after_seconds === 'number') void reply.header('retry-after', String(problem.retry_after_seconds));
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }

  private toProblem(exception: unknown, request: FastifyRequest): ProblemDetails {
    const instance = { instance: request.url.split('?')[0], request_id: request.id };
    if (exception instanceof ProblemException) return { ...exception.problem, ...instance };
    if (exception instanceof DomainError) {
      const [status, slug, title] = DOMAIN_STATUS[exception.code];
      return { type: PROBLEM_BASE + slug, title, status, detail: exception.message, ...(exception.field ? { field: exception.field } : {}), ...instance };
    }
    if (exception instanceof WrongExpectedRevisionError) {
      return { type: `${PROBLEM_BASE}concurrent-modification`, title: 'Conflict', status: 409,
        detail: 'the resource was changed concurrently; read it again and retry', ...instance };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const detail = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      return { type: `${PROBLEM_BASE}${slugFor(status)}`, title: titleFor(status), status,
        detail: Array.isArray(detail) ? detail.join('; ') : String(detail ?? exception.message), ...instance };
    }
    const fastifyError = exception as FastifyError;
    if (fastifyError?.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return { type: `${PROBLEM_BASE}${slugFor(fastifyError.statusCode)}`, title: titleFor(fastifyError.statusCode),
        status: fastifyError.statusCode, detail: fastifyError.message, ...instance };
    }
    if (isStorageUnavailable(exception)) {
      this.logger.warn({ err: exception, request_id: request.id }, 'storage unavailable');
      return { type: `${PROBLEM_BASE}storage-unavailable`, title: 'Service Unavailable', status: 503,
        detail: 'the database cannot be reached right now; nothing was lost: retry after the indicated time', retry_after_seconds: STORAGE_RETRY_AFTER_SECONDS,
        ...instance };
    }
    this.logger.error({ err: exception, request_id: request.id }, 'unhandled error');
    return { type: `${PROBLEM_BASE}internal-error`, title: 'Internal Server Error', status: 500,
      detail: 'an unexpected error occurred; it has been logged with this request id', ...instance };
  }
}

const TITLES: Record<number, [string, string]> = {
  400: ['invalid-request', 'Bad Request'], 401: ['unauthorized', 'Unauthorized'], 403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not Found'], 405: ['method-not-allowed', 'Method Not Allowed'], 409: ['conflict', 'Conflict'],
  412: ['precondition-failed', 'Precondition Failed'], 413: ['payload-too-large', 'Content Too Large'],
  415: ['unsupported-media-type', 'Unsupported Media Type'], 422: ['validation-failed', 'Unprocessable Content'],
  429: ['too-many-requests', 'Too Many Requests'], 502: ['bad-gateway', 'Bad Gateway'], 504: ['gateway-timeout', 'Gateway Timeout'],
};
const slugFor = (status: number) => TITLES[status]?.[0] ?? (status >= 500 ? 'server-error' : 'client-error');
const titleFor = (status: number) => TITLES[status]?.[1] ?? (status >= 500 ? 'Server Error' : 'Client Error');

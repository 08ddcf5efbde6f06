import { HttpException } from '@nestjs/common';

export const PROBLEM_BASE = 'https://durable-workflow.com/problems/';

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  /** The offending input field, when one is to blame. */
  readonly field?: string;
  readonly [extension: string]: unknown;
}

/** An error that already knows its problem+json body. Every 4xx the API answers goes through one. */
export class ProblemException extends HttpException {
  constructor(status: number, slug: string, title: string, detail?: string, extensions: Record<string, unknown> = {}) {
    super({ type: `${PROBLEM_BASE}${slug}`, title, status, ...(detail ? { detail } : {}), ...extensions } satisfies ProblemDetails, status);
  }

  get problem(): ProblemDetails {
    return this.getResponse() as ProblemDetails;
  }
}

export const notFoundProblem = (what: string) => new ProblemException(404, 'not-found', 'Not Found', `${what} was not found`);
export const badRequest = (detail: string, field?: string) =>
  new ProblemException(400, 'invalid-request', 'Bad Request', detail, field ? { field } : {});

/**
 * Domain refusals. The HTTP layer maps each code to a problem+json status; the domain never knows HTTP.
 * `field` names the offending input when there is one.
 */
export type DomainErrorCode =
  | 'not_found'
  | 'already_exists'
  | 'conflict'
  | 'invalid'
  | 'forbidden'
  | 'billing_restricted'
  | 'precondition_failed';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, field?: string) => new DomainError('not_found', `${what} was not found`, field);
export const alreadyExists = (what: string, field?: string) => new DomainError('already_exists', `${what} already exists`, field);
export const conflict = (message: string, field?: string) => new DomainError('conflict', message, field);
export const invalid = (message: string, field?: string) => new DomainError('invalid', message, field);

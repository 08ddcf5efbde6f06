import { invalid } from '../shared/errors';

/** Region and provider labels: lower-case words such as `eu-west-1` or `aws`. */
export const LABEL_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const MAX_TARGET_NAME_LENGTH = 100;
export const MAX_REASON_LENGTH = 500;

export function requireLabel(value: unknown, field: string): string {
  if (typeof value !== 'string' || !LABEL_PATTERN.test(value)) {
    throw invalid(`${field} must be lower-case letters, digits and hyphens, 1-63 characters`, field);
  }
  return value;
}

export function requireDisplayName(value: unknown, field = 'name'): string {
  const name = typeof value === 'string' ? value.trim() : '';
  // eslint-disable-next-line no-control-regex -- refusing control characters in a display name is the point
  if (name.length === 0 || name.length > MAX_TARGET_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    throw invalid(`${field} must be 1-${MAX_TARGET_NAME_LENGTH} printable characters`, field);
  }
  return name;
}

export function requireReason(value: unknown, field = 'reason'): string {
  const reason = typeof value === 'string' ? value.trim() : '';
  if (reason.length === 0 || reason.length > MAX_REASON_LENGTH) {
    throw invalid(`${field} is required: 1-${MAX_REASON_LENGTH} characters saying why`, field);
  }
  return reason;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

import { invalid } from '../shared/errors';

/** DNS label: lowercase letters, digits and hyphens, 1–63 characters, no hyphen at either end. */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const isDnsLabel = (name: unknown): name is string => typeof name === 'string' && DNS_LABEL.test(name);

export function assertDnsLabel(name: string, field = 'name'): void {
  if (!isDnsLabel(name)) {
    throw invalid(`${field} must be a DNS label: lowercase letters, digits and hyphens, 1-63 characters, not starting or ending with a hyphen`, field);
  }
}

export const MAX_DESCRIPTION_LENGTH = 500;

export function assertDescription(description: string, field = 'description'): void {
  if (description.length > MAX_DESCRIPTION_LENGTH) throw invalid(`${field} must be at most ${MAX_DESCRIPTION_LENGTH} characters`, field);
}

import { createHash } from 'node:crypto';

/** What a runtime target accepts (it lower-cases names), kept to a DNS-friendly length. */
export const RUNTIME_NAMESPACE_PATTERN = /^[a-z0-9._-]+$/;
export const MAX_RUNTIME_NAMESPACE_LENGTH = 63;
const ORG_SHORT_LENGTH = 12;
const HASH_LENGTH = 8;

export const isRuntimeNamespace = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_RUNTIME_NAMESPACE_LENGTH && RUNTIME_NAMESPACE_PATTERN.test(value);

/** The random tail of an organization id (`org_` + 10 time + 16 random characters): short and still distinct. */
export const organizationShort = (organizationId: string): string =>
  organizationId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(-ORG_SHORT_LENGTH) || 'org';

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);

/**
 * The runtime namespace a Cloud namespace gets on a target: `<org-short>-<namespace>`, then
 * `…-2`, `…-3` for later attempts when a name is already claimed on that target. Too long a name
 * keeps a prefix of the namespace and ends in a hash of the whole, so it stays distinct.
 */
export function deriveRuntimeNamespace(organizationId: string, namespace: string, attempt = 0): string {
  const base = `${organizationShort(organizationId)}-${namespace}`;
  const suffix = attempt === 0 ? '' : `-${attempt + 1}`;
  const candidate = `${base}${suffix}`;
  if (candidate.length <= MAX_RUNTIME_NAMESPACE_LENGTH) return candidate;
  const tail = `-${hash(`${organizationId}\u0000${namespace}`)}${suffix}`;
  return `${base.slice(0, MAX_RUNTIME_NAMESPACE_LENGTH - tail.length).replace(/[-.]+$/, '')}${tail}`;
}

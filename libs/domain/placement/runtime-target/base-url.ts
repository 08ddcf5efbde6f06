import { invalid } from '../../shared/errors';

export const MAX_BASE_URL_LENGTH = 512;

/**
 * A runtime target's base URL: http or https, a host, no credentials, query or fragment (the
 * credential travels in a header, never in the URL). Returned without a trailing slash, so
 * `{base_url}/api/...` is always well formed. A base path (targets behind a prefix) is kept.
 */
export function normalizeBaseUrl(value: unknown, field = 'base_url'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_BASE_URL_LENGTH) {
    throw invalid(`${field} must be a URL of at most ${MAX_BASE_URL_LENGTH} characters`, field);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${field} is not a URL`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`${field} must use http or https`, field);
  if (url.username !== '' || url.password !== '' || /^[a-z]+:\/\/[^/]*@/i.test(value)) {
    throw invalid(`${field} must not carry credentials; send the credential in the credential field`, field);
  }
  if (url.hostname === '') throw invalid(`${field} must name a host`, field);
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
    throw invalid(`${field} must not have a query or a fragment`, field);
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

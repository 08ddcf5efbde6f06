import { createHash } from 'node:crypto';

export const FINGERPRINT_PATTERN = /^sha256:[0-9a-f]{64}$/;

export interface FingerprintedRequest {
  readonly method: string;
  /** The runtime path the request was (or would have been) forwarded to. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The parsed JSON body, or null when there was none. */
  readonly body: unknown;
}

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
};

/**
 * `sha256:` of the canonical request: upper-case method, path, query pairs sorted by name then
 * value, and the body as JSON with keys sorted at every depth. Equal requests fingerprint equally
 * whatever their key or parameter order.
 */
export function requestFingerprint(request: FingerprintedRequest): string {
  const query = Object.entries(request.query)
    .flatMap(([name, value]) => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => [name, String(v)])))
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const canonical = JSON.stringify([request.method.toUpperCase(), request.path, query, sortKeys(request.body ?? null)]);
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

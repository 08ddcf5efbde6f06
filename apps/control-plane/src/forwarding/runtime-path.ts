/**
 * Which Cloud paths may be forwarded, and where they go: only the runtime's workflow API.
 * `/api/v1/namespaces/{ns}/runtime/workflows/…` → `/api/workflows/…`. Dot segments, empty segments
 * and encoded separators are refused rather than normalized, so a path cannot climb out of
 * `/api/workflows`.
 */
export type RuntimePath = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly path: string };

const ALLOWED_ROOT = 'workflows';
const MAX_PATH = 1024;

export function runtimePathOf(url: string, namespace: string): RuntimePath {
  const path = url.split('?')[0];
  const marker = `/namespaces/${namespace}/runtime/`;
  const at = path.indexOf(marker);
  const rest = at === -1 ? '' : path.slice(at + marker.length);
  const shown = `/api/${rest}`.slice(0, MAX_PATH);
  if (rest.length === 0 || rest.length > MAX_PATH) return { ok: false, path: shown };
  const segments = rest.split('/');
  if (segments[0] !== ALLOWED_ROOT) return { ok: false, path: shown };
  for (const segment of segments.slice(1)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return { ok: false, path: shown };
    }
    // eslint-disable-next-line no-control-regex -- refusing control characters in a path segment is the point
    if (segment === '' || decoded === '.' || decoded === '..' || /[/\\\u0000-\u001f]/.test(decoded)) return { ok: false, path: shown };
  }
  return { ok: true, path: `/api/${rest}` };
}

/** The caller's query, one value per name, without `namespace` (Cloud chooses the runtime namespace). */
export function forwardedQuery(query: unknown): Record<string, string> {
  const entries = Object.entries((query ?? {}) as Record<string, string | string[] | undefined>)
    .filter(([name]) => name !== 'namespace')
    .flatMap(([name, value]): [string, string][] => {
      const first = Array.isArray(value) ? value[0] : value;
      return first === undefined ? [] : [[name, String(first)]];
    });
  return Object.fromEntries(entries);
}
